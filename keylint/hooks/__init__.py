"""pre-commit entry points (`keylint-hook`): thin shells over the scanner and the baseline gate."""
