"""Index changes for the people and places migrations where the two databases differ.

Dropping a column's index through AlterField(db_index=False) makes SQLite copy the whole table,
so these drop the index by name, found by introspection, on both databases; and some indexes
(LIKE-only copies, GIN) exist on PostgreSQL alone.
"""

from django.db import migrations


def _indexes(schema_editor, table: str) -> dict:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


def drop_column_indexes(table: str, columns: tuple[str, ...]) -> migrations.RunPython:
    """Drop the plain single-column indexes on `columns` (an FK's own index); keep unique ones."""

    def forwards(apps, schema_editor):
        for name, c in _indexes(schema_editor, table).items():
            if (c["index"] and not c["unique"] and not c["primary_key"] and c["columns"] and len(c["columns"]) == 1
                    and c["columns"][0] in columns and not name.endswith("_like")):
                schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")

    def backwards(apps, schema_editor):
        for column in columns:
            name = schema_editor.quote_name(f"{table}_{column}_single")
            schema_editor.execute(f"CREATE INDEX {name} ON {schema_editor.quote_name(table)} ({column})")

    return migrations.RunPython(forwards, backwards, elidable=False)


def drop_like_indexes(table: str, columns: tuple[str, ...]) -> migrations.RunPython:
    """PostgreSQL: drop the varchar_pattern_ops copies Django adds for `unique`/`db_index` CharFields."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, c in _indexes(schema_editor, table).items():
            if name.endswith("_like") and c["columns"] and c["columns"][0] in columns and len(c["columns"]) == 1:
                schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for column in columns:
            name = schema_editor.quote_name(f"{table}_{column}_like")
            schema_editor.execute(
                f"CREATE INDEX {name} ON {schema_editor.quote_name(table)} ({column} varchar_pattern_ops)"
            )

    return migrations.RunPython(forwards, backwards, elidable=False)


def postgres_index(table: str, name: str, using: str) -> migrations.RunPython:
    """PostgreSQL: `CREATE INDEX name ON table USING using`, then ANALYZE so the planner has the
    statistics of an expression index at once (a GIN index's selectivity needs them)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"CREATE INDEX {schema_editor.quote_name(name)} ON {schema_editor.quote_name(table)} "
                              f"USING {using}")
        schema_editor.execute(f"ANALYZE {schema_editor.quote_name(table)}")

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    return migrations.RunPython(forwards, backwards, elidable=False)
