"""The directory's full-text index: SQLite's FTS5 table over cooperatives and its triggers, and
PostgreSQL's two vectors kept by a trigger, as practices have theirs (practices/fts.py).

SQLite rebuilds a table to alter one of its columns, and the rebuild drops the table's
triggers: a migration that alters network_cooperative on SQLite must end with
``ensure_index`` (a test checks the triggers exist after all migrations).
"""

FTS_TABLE = "network_cooperative_fts"
COLUMNS = ("search_title", "search_head", "search_body")
TRIGGER_NAMES = (
    "network_cooperative_fts_insert",
    "network_cooperative_fts_delete",
    "network_cooperative_fts_update",
)

POSTGRES_FORWARD = [
    "ALTER TABLE network_cooperative ADD COLUMN IF NOT EXISTS search_vector tsvector",
    "ALTER TABLE network_cooperative ADD COLUMN IF NOT EXISTS search_rank_vector tsvector",
    """CREATE OR REPLACE FUNCTION network_cooperative_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_rank_vector :=
            setweight(to_tsvector('simple'::regconfig, coalesce(NEW.search_title, '')), 'A') ||
            setweight(to_tsvector('simple'::regconfig, coalesce(NEW.search_head, '')), 'B');
        NEW.search_vector := NEW.search_rank_vector ||
            setweight(to_tsvector('simple'::regconfig, coalesce(NEW.search_body, '')), 'D');
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS network_cooperative_search_vector_trigger ON network_cooperative",
    """CREATE TRIGGER network_cooperative_search_vector_trigger
        BEFORE INSERT OR UPDATE OF search_title, search_head, search_body ON network_cooperative
        FOR EACH ROW EXECUTE FUNCTION network_cooperative_search_vector()""",
    """CREATE INDEX IF NOT EXISTS network_cooperative_search_vector_idx
        ON network_cooperative USING gin (search_vector)""",
    # Rows written before the trigger: their vectors computed once.
    "UPDATE network_cooperative SET search_title = search_title",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS network_cooperative_search_vector_trigger ON network_cooperative",
    "DROP FUNCTION IF EXISTS network_cooperative_search_vector()",
    "DROP INDEX IF EXISTS network_cooperative_search_vector_idx",
    "ALTER TABLE network_cooperative DROP COLUMN IF EXISTS search_rank_vector",
    "ALTER TABLE network_cooperative DROP COLUMN IF EXISTS search_vector",
]


def _sqlite_statements() -> list[str]:
    names = ", ".join(COLUMNS)
    new = ", ".join(f"new.{column}" for column in COLUMNS)
    old = ", ".join(f"old.{column}" for column in COLUMNS)
    return [
        f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
            {names}, content='network_cooperative', content_rowid='id',
            tokenize='unicode61 remove_diacritics 0')""",
        f"""CREATE TRIGGER IF NOT EXISTS network_cooperative_fts_insert
            AFTER INSERT ON network_cooperative BEGIN
            INSERT INTO {FTS_TABLE}(rowid, {names}) VALUES (new.id, {new});
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS network_cooperative_fts_delete
            AFTER DELETE ON network_cooperative BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {names}) VALUES ('delete', old.id, {old});
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS network_cooperative_fts_update
            AFTER UPDATE OF {names} ON network_cooperative BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {names}) VALUES ('delete', old.id, {old});
            INSERT INTO {FTS_TABLE}(rowid, {names}) VALUES (new.id, {new});
        END""",
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
