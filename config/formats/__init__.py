"""Date formats of the portal's two languages (Django's FORMAT_MODULE_PATH).

Every date is written and read day first, dd/mm/yyyy, in Vietnamese and in English alike: Django's
own English formats read 01/12/2026 as 12 January and its fallback list does the same for
Vietnamese, which silently turned dates typed in the admin around (issue 8, point 13). Only the
day-first form and the unambiguous ISO form (2026-12-01) are accepted; anything else is refused.
"""

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
MONTH_DAY_FORMAT = "d/m"
YEAR_MONTH_FORMAT = "m/Y"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# The first entry is also the format widgets (the admin's included) write dates in.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
