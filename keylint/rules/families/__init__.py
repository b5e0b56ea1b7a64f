"""The rule table's families, one module per category (assembled by keylint/rules/table.py)."""
