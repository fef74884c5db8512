"""The numbers in an article's text: `find_figures()` (find.py) and the parts it is made of."""
