"""Dates and times as the site writes them, for the pages and the Django admin alike.

Django's own English formats write "Dec. 6, 2026, 6:30 a.m.": no time zone, so a time read
beside a log line or another office's clock is ambiguous. Times here are always shown in
TIME_ZONE (California, where the letters are decided) with the zone's name, which also says
whether daylight saving time applied: "Dec 6, 2026, 6:30 a.m. PST". Dates keep the form the
pages use ("Dec 6, 2026"). Django reads this module through FORMAT_MODULE_PATH; every format not
set here stays Django's.
"""

DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y, P T"
