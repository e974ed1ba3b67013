"""Helpers every export shares (CSV and XLSX)."""

# Spreadsheets run cells that start like a formula (CSV/formula injection); a leading apostrophe keeps them text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def formula_guard(value):
    """Text that starts like a formula gets a leading apostrophe; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
