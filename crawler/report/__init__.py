"""`baotinh report`: one self-contained HTML page of what the archive holds and how the crawls went.

data.py reads the database read-only (queries/report/*.sql), sections.py turns the rows into charts
(charts.py: Vega-Altair, rendered to SVG) and tables, page.py writes the HTML.
"""
