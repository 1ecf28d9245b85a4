"""Plain bulk INSERTs of model instances, for bulk paths where Django's bulk_create costs more than the
database (it compiles an expression per value). Values still go through each field's get_db_prep_save,
so encrypted fields are encrypted and dates adapted exactly as in save(). PostgreSQL takes the rows
through COPY (one stream instead of a statement per row); SQLite through executemany.
"""

from django.db import DEFAULT_DB_ALIAS, connections


def insert_instances(model, objs) -> None:
    """INSERT rows for unsaved instances (no primary keys are set on them; read them back if needed)."""
    if not objs:
        return
    connection = connections[DEFAULT_DB_ALIAS]  # the object itself: the proxy costs a thread-local lookup per value
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    params = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            columns = ", ".join(quote(f.column) for f in fields)
            with cur.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in params:
                    copy.write_row(row)
        else:
            cur.executemany(sql, params)
