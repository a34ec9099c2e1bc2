"""The directory's full-text index: SQLite's FTS5 table over cooperatives and its triggers, and
PostgreSQL's two vectors kept by a trigger, written by search/schema.py as practices' are.

SQLite rebuilds a table to alter one of its columns, and the rebuild drops the table's
triggers: a migration that alters network_cooperative on SQLite must end with
``ensure_index`` (a test checks the triggers exist after all migrations).
"""

from observatoire.search import schema

TABLE = "network_cooperative"
FTS_TABLE = f"{TABLE}_fts"
TRIGGER_NAMES = tuple(schema.fts5_trigger_names(TABLE))

POSTGRES_FORWARD = [
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS search_vector tsvector",
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS search_rank_vector tsvector",
    *schema.tsvector_statements(TABLE),
    f"""CREATE INDEX IF NOT EXISTS {TABLE}_search_vector_idx
        ON {TABLE} USING gin (search_vector)""",
    # Rows written before the trigger: their vectors computed once.
    f"UPDATE {TABLE} SET search_title = search_title",
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TABLE}_search_vector_trigger ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_search_vector()",
    f"DROP INDEX IF EXISTS {TABLE}_search_vector_idx",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_rank_vector",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector",
]


def _sqlite_statements() -> list[str]:
    return [
        schema.fts5_table(TABLE, if_missing=True),
        *schema.fts5_triggers(TABLE),
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
    ]


def ensure_index(apps, schema_editor) -> None:
    """Create (or recreate after a table rebuild) the index of the database in use."""
    vendor = schema_editor.connection.vendor
    statements = POSTGRES_FORWARD if vendor == "postgresql" else _sqlite_statements()
    for statement in statements:
        schema_editor.execute(statement)


def drop_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        statements = POSTGRES_BACKWARD
    else:
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGER_NAMES]
        statements.append(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    for statement in statements:
        schema_editor.execute(statement)
