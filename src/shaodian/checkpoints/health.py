"""What a checkpoint must know of people's health status (case, close contact, monitoring), and nothing more.

The one place where checkpoints read tracing's tables: verification asks about one person, scan
ingestion about a whole batch at once (set-based, in the driver, like `scan_store`), so a batch
of 5,000 scans costs one query here, not 5,000.
"""

from collections.abc import Iterable

from django.db import connection

from shaodian.checkpoints.scan_store import _json, _pg_cursor

CASE, CLOSE_CONTACT, MONITORING = "case", "close_contact", "monitoring"


# Up to this many people, each is looked up by index; above, the (far fewer) flagged rows are read and
# matched against the batch: on SQLite 5,000 index probes per table cost 30 times more than that.
PROBE_MAX = 256


def _sql(ids_param: str, probe: bool = True) -> str:
    from shaodian.tracing.models import Case, Contact, Monitoring

    case, monitoring, contact = Case._meta.db_table, Monitoring._meta.db_table, Contact._meta.db_table
    # "+" keeps SQLite from driving the query from the batch's list through the resident index.
    column = "resident_id" if probe or connection.vendor != "sqlite" else "+resident_id"
    return (
        f"SELECT resident_id, 'case' FROM {case} WHERE status = 'active' AND {column} IN ({ids_param}) "
        f"UNION SELECT resident_id, CASE WHEN reason = 'close_contact' THEN 'close_contact' ELSE 'monitoring' END "
        f"FROM {monitoring} WHERE status = 'active' AND {column} IN ({ids_param}) "
        f"UNION SELECT resident_id, 'contact' FROM {contact} WHERE status = 'confirmed' AND degree = 1 "
        f"AND {column} IN ({ids_param})"
    )


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
    # A confirmed close contact not (yet) under monitoring is still a close contact, unless already more.
    for found in flags.values():
        if "contact" in found:
            found.discard("contact")
            if not found:
                found.add(CLOSE_CONTACT)
    return flags
