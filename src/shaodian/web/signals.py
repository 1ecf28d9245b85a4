"""Fresh planner statistics after every migrate.

A migration that rebuilds a table on SQLite drops its statistics, and without them SQLite
walks a whole district's index for a phone-number lookup (0.2 s instead of 1 ms).
`analysis_limit` keeps ANALYZE to a sample, so this takes seconds even at a million rows.
"""

from django.db import connections


def analyze_after_migrate(sender, using="default", **kwargs):
    connection = connections[using]
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA analysis_limit=2000")
        cur.execute("ANALYZE")
