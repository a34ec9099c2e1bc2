"""SQLite's full-text index: the FTS5 table's triggers, kept in one place.

SQLite rebuilds a table to alter one of its columns, and the rebuild drops the table's
triggers: every migration that alters practices_practice on SQLite must end with
``ensure_sqlite_triggers`` (a test checks the triggers exist after all migrations).
"""

FTS_TABLE = "practices_practice_fts"

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS practices_practice_fts_insert
        AFTER INSERT ON practices_practice BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS practices_practice_fts_delete
        AFTER DELETE ON practices_practice BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS practices_practice_fts_update
        AFTER UPDATE OF search_title, search_body ON practices_practice BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
        INSERT INTO {FTS_TABLE}(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body);
    END""",
]
TRIGGER_NAMES = {
    "practices_practice_fts_insert",
    "practices_practice_fts_delete",
    "practices_practice_fts_update",
}


def ensure_sqlite_triggers(apps, schema_editor) -> None:
    """Recreate the FTS5 triggers after a table rebuild, and rebuild the index from the rows."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in SQLITE_TRIGGERS:
        schema_editor.execute(statement)
    schema_editor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
