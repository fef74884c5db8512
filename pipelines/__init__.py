"""Pure functions from HTML and text to rows, by concern: extraction, figures, the database."""
