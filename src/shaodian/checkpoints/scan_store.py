"""The SQL side of scan ingestion: set-based lookups and one insert per batch, on either database.

Django's ORM compiles `pk__in` at about 10 µs a value and binds arrays in Python; a batch of 5,000
scans would spend more there than in the database. So these few statements go to the driver:
- PostgreSQL: binary COPY for the insert; arrays bound on the server (psycopg `%b`, or a literal
  for ids) for lookups; prepare=False, so no named prepared statement is lost behind a
  transaction-pooling pgbouncer.
- SQLite: a JSON array as one parameter (json_each) for lookups; multi-row VALUES for the insert,
  the cheapest way in here (the statement's work runs without the GIL, so other requests' Python
  runs meanwhile).
Every insert says which client_ids it stored: the others were there already.
"""

import datetime as dt
import json
import sqlite3

from django.db import connection, transaction


COLUMNS = ("client_id", "resident_id", "checkpoint_id", "at", "direction", "temperature", "permit_id")


def _pg_cursor():
    import psycopg

    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def _json(values) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def stored_client_ids(client_ids: set[str]) -> set[str]:
    """Those of client_ids already stored: one query through the unique index."""
    if not client_ids:
        return set()
    if connection.vendor == "postgresql":
        with _pg_cursor() as cur:
            cur.execute("SELECT client_id FROM checkpoints_scan WHERE client_id = ANY(%b::text[])", [list(client_ids)],
                        prepare=False)
            return {c for (c,) in cur.fetchall()}
    with connection.cursor() as cur:
        cur.execute("SELECT client_id FROM checkpoints_scan WHERE client_id IN (SELECT value FROM json_each(%s))",
                    [_json(client_ids)])
        return {c for (c,) in cur.fetchall()}


def insert(rows: list[tuple], *, device_user_id: int, received_at: dt.datetime) -> set[str]:
    """Store rows (COLUMNS, `at` aware in UTC) in one transaction; the client_ids that were new.

    The batch is acknowledged only once this returns, so only once it is durable.
    """
    if not rows:
        return set()
    if connection.vendor == "postgresql":
        return _insert_postgresql(rows, device_user_id, received_at)
    return _insert_sqlite(rows, device_user_id, received_at)


PG_TYPES = ("varchar", "int8", "int8", "timestamptz", "varchar", "float8", "int8", "timestamptz", "int8")
NAMES = ", ".join((*COLUMNS, "received_at", "device_user_id"))


def _insert_postgresql(rows: list[tuple], device_user_id: int, received_at: dt.datetime) -> set[str]:
    """Binary COPY when every client_id is new (nearly always); INSERT … ON CONFLICT when one is not.

    COPY costs the database half of what INSERT … ON CONFLICT … RETURNING does, and psycopg
    writes its rows in C. A retry makes COPY fail on the unique constraint and undoes it whole,
    so the batch then goes the careful way, which tells which rows were new.
    """
    from psycopg.errors import UniqueViolation

    try:
        with transaction.atomic(), _pg_cursor() as cur, cur.copy(f"COPY checkpoints_scan ({NAMES}) FROM STDIN "
                                                                  "(FORMAT BINARY)") as copy:
            copy.set_types(PG_TYPES)
            for row in rows:
                copy.write_row((*row, received_at, device_user_id))
        return {row[0] for row in rows}
    except UniqueViolation:
        pass
    sql = (f"INSERT INTO checkpoints_scan ({NAMES}) SELECT *, %b, %b FROM unnest(%b::varchar[], %b::bigint[], "
           "%b::bigint[], %b::timestamptz[], %b::varchar[], %b::float8[], %b::bigint[]) "
           "ON CONFLICT (client_id) DO NOTHING RETURNING client_id")
    with transaction.atomic(), _pg_cursor() as cur:
        cur.execute(sql, [received_at, device_user_id, *map(list, zip(*rows, strict=True))], prepare=False)
        return {c for (c,) in cur.fetchall()}


def _insert_sqlite(rows: list[tuple], device_user_id: int, received_at: dt.datetime) -> set[str]:
    # Django stores SQLite datetimes as naive UTC text, 'YYYY-MM-DD HH:MM:SS[.ffffff]': str() of the naive value.
    received = str(received_at.astimezone(dt.UTC).replace(tzinfo=None))
    flat = []
    for client_id, resident_id, checkpoint_id, at, direction, temperature, permit_id in rows:
        flat += (client_id, resident_id, checkpoint_id, str(at.replace(tzinfo=None)), direction, temperature, permit_id,
                 received, device_user_id)
    width = len(COLUMNS) + 2
    connection.ensure_connection()
    raw = connection.connection
    per_statement = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width
    row_sql = "(" + ",".join("?" * width) + ")"
    # The raw driver: Django would rewrite %s to ? over the whole ~100 kB statement with a regex.
    # No RETURNING: each returned row would step the statement once more, and take the GIL once
    # more, while this transaction holds the database's one write lock. Instead the count of rows
    # stored tells whether all were new (nearly always); if not, ids above the last one before the
    # insert are the new rows (AUTOINCREMENT ids only grow, and no one else writes meanwhile).
    with transaction.atomic():
        cur = raw.cursor()
        try:
            last = cur.execute("SELECT max(id) FROM checkpoints_scan").fetchone()[0] or 0
            stored = 0
            for start in range(0, len(rows), per_statement):
                count = min(per_statement, len(rows) - start)
                cur.execute(f"INSERT OR IGNORE INTO checkpoints_scan ({NAMES}) VALUES {','.join([row_sql] * count)}",
                            flat[start * width:(start + count) * width])
                stored += cur.rowcount
            if stored == len(rows):
                return {row[0] for row in rows}
            cur.execute("SELECT client_id FROM checkpoints_scan WHERE id > ?", [last])
            return {c for (c,) in cur.fetchall()}
        finally:
            cur.close()
