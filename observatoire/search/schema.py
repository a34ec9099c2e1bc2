"""The SQL that keeps a table's full-text index, for every table search reads (practices,
cooperatives): SQLite's FTS5 table over the table's stem columns and the triggers that follow its
rows; PostgreSQL's two weighted vectors (title and head; then the body) kept by a trigger.

Both are named after the table: ``<table>_fts`` and ``<table>_fts_insert``… on SQLite,
``<table>_search_vector()`` and its trigger on PostgreSQL.
"""

STEM_COLUMNS = ("search_title", "search_head", "search_body")


def fts5_table(table: str, columns: tuple[str, ...] = STEM_COLUMNS, *, if_missing=False) -> str:
    missing = "IF NOT EXISTS " if if_missing else ""
    return f"""CREATE VIRTUAL TABLE {missing}{table}_fts USING fts5(
        {", ".join(columns)}, content='{table}', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')"""


def fts5_triggers(table: str, columns: tuple[str, ...] = STEM_COLUMNS) -> list[str]:
    """The triggers that copy the stems of each inserted, deleted or updated row."""
    fts = f"{table}_fts"
    names = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    return [
        f"""CREATE TRIGGER IF NOT EXISTS {table}_fts_insert
            AFTER INSERT ON {table} BEGIN
            INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_fts_delete
            AFTER DELETE ON {table} BEGIN
            INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_fts_update
            AFTER UPDATE OF {names} ON {table} BEGIN
            INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});
            INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});
        END""",
    ]


def fts5_trigger_names(table: str) -> list[str]:
    return [f"{table}_fts_{event}" for event in ("delete", "insert", "update")]


def tsvector_statements(table: str) -> list[str]:
    """PostgreSQL: the function and trigger that compute ``search_rank_vector`` (title A, head
    B) and ``search_vector`` (the same and the body D) from the stem columns."""
    return [
        f"""CREATE OR REPLACE FUNCTION {table}_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_rank_vector :=
            setweight(to_tsvector('simple'::regconfig, coalesce(NEW.search_title, '')), 'A') ||
            setweight(to_tsvector('simple'::regconfig, coalesce(NEW.search_head, '')), 'B');
        NEW.search_vector := NEW.search_rank_vector ||
            setweight(to_tsvector('simple'::regconfig, coalesce(NEW.search_body, '')), 'D');
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
        f"DROP TRIGGER IF EXISTS {table}_search_vector_trigger ON {table}",
        f"""CREATE TRIGGER {table}_search_vector_trigger
        BEFORE INSERT OR UPDATE OF search_title, search_head, search_body ON {table}
        FOR EACH ROW EXECUTE FUNCTION {table}_search_vector()""",
    ]
