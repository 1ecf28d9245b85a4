"""Residents behind a batch of scans, found in a few set-based statements on the driver.

The ORM compiles `pk__in` at about 10 µs a value; a batch of 5,000 scans would spend more there than
in the database (see `checkpoints.scan_store`, which stores the batch the same way).
"""

import json

from django.db import connection

from shaodian.people.models import Resident
from shaodian.places.models import SCOPE_COLUMNS, scope_lookup
from shaodian.security.roles import Perm


def _pg_cursor():
    import psycopg

    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def _json(values) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def residents_resolve(user, ids: set[int], qr_ids: set[str],
                      id_hashes: set[str]) -> tuple[set[int], dict[str, int], dict[str, int]]:
    """(those of ids that are no resident inside the user's jurisdiction, resident id by personal-code id, by
    ID-number hash), for a user who scans.

    A bare internal id counts only inside the sender's jurisdiction,
    so a device cannot record, or probe, residents elsewhere. Codes and ID numbers count anywhere:
    holding one is the proof of presence. Only the missing ids come back, nearly always none:
    thousands of ids need not travel back.
    """
    table = Resident._meta.db_table
    scope = scope_lookup(user) if user.can(Perm.SCAN) else None
    if scope is None:
        return set(ids), {}, {}
    [(column, node)] = scope.items()
    if column not in SCOPE_COLUMNS:
        raise ValueError(column)
    missing = set()
    by_qr: dict[str, int] = {}
    by_hash: dict[str, int] = {}
    if connection.vendor == "postgresql":
        with _pg_cursor() as cur:
            if ids:
                # An array literal: joined in C, where binding a list goes element by element in Python.
                cur.execute(f"SELECT x FROM unnest(%s::bigint[]) AS x WHERE NOT EXISTS (SELECT 1 FROM {table} r "
                            f"WHERE r.id = x AND r.{column} = %s)", ["{" + ",".join(map(str, ids)) + "}", node],
                            prepare=False)
                missing = {pk for (pk,) in cur.fetchall()}
            if qr_ids:
                cur.execute(f"SELECT qr_id, id FROM {table} WHERE qr_id = ANY(%b::text[])", [list(qr_ids)], prepare=False)
                by_qr = dict(cur.fetchall())
            if id_hashes:
                cur.execute(f"SELECT id_hash, id FROM {table} WHERE id_hash = ANY(%b::text[])", [list(id_hashes)],
                            prepare=False)
                by_hash = dict(cur.fetchall())
        return missing, by_qr, by_hash
    with connection.cursor() as cur:
        if ids:
            cur.execute(f"SELECT value FROM json_each(%s) WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE id = value "
                        f"AND {column} = %s)", [_json(ids), node])
            missing = {pk for (pk,) in cur.fetchall()}
        if qr_ids:
            cur.execute(f"SELECT qr_id, id FROM {table} WHERE qr_id IN (SELECT value FROM json_each(%s))", [_json(qr_ids)])
            by_qr = dict(cur.fetchall())
        if id_hashes:
            cur.execute(f"SELECT id_hash, id FROM {table} WHERE id_hash IN (SELECT value FROM json_each(%s))",
                        [_json(id_hashes)])
            by_hash = dict(cur.fetchall())
    return missing, by_qr, by_hash
