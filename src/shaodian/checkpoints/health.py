"""What a checkpoint must know of people's health status (case, close contact, monitoring), and nothing more.

The flags are data tracing writes into people.HealthFlag with every case, contact and monitoring
change; checkpoints only read them. Verification asks about one person, scan ingestion about a
whole batch at once (set-based, in the driver, like `scan_store`), so a batch of 5,000 scans costs
one query here, not 5,000.
"""

from collections.abc import Iterable

from django.db import connection

from shaodian.checkpoints.scan_store import _json, _pg_cursor
from shaodian.people.models import HealthFlag, HealthFlagKind

CASE, CLOSE_CONTACT, MONITORING = HealthFlagKind.CASE.value, HealthFlagKind.CLOSE_CONTACT.value, HealthFlagKind.MONITORING.value


# Up to this many people, each is looked up by index; above, the (far fewer) flagged rows are read and
# matched against the batch: on SQLite 5,000 index probes cost 30 times more than that.
PROBE_MAX = 256


def _sql(ids_param: str, probe: bool = True) -> str:
    # "+" keeps SQLite from driving the query from the batch's list through the resident index.
    column = "resident_id" if probe or connection.vendor != "sqlite" else "+resident_id"
    return f"SELECT resident_id, flag FROM {HealthFlag._meta.db_table} WHERE {column} IN ({ids_param})"


def flags_for(resident_ids: Iterable[int]) -> dict[int, set[str]]:
    """Flags of those of resident_ids that have any: case, close_contact, monitoring."""
    ids = {int(pk) for pk in resident_ids if pk is not None}
    if not ids:
        return {}
    if connection.vendor == "postgresql":
        with _pg_cursor() as cur:
            literal = "{" + ",".join(map(str, ids)) + "}"
            cur.execute(_sql("SELECT unnest(%(ids)s::bigint[])"), {"ids": literal}, prepare=False)
            rows = cur.fetchall()
    else:
        with connection.cursor() as cur:
            cur.execute(_sql("SELECT value FROM json_each(%(ids)s)", probe=len(ids) <= PROBE_MAX), {"ids": _json(ids)})
            rows = cur.fetchall()
    flags: dict[int, set[str]] = {}
    for resident_id, flag in rows:
        flags.setdefault(resident_id, set()).add(flag)
    return flags
