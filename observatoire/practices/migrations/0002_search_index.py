"""Full-text index over the stems computed in Python (observatoire.lib.text).

SQLite: an FTS5 table whose content is the practice table, kept in step by triggers, so that
every write (ORM, bulk_create, raw SQL) is indexed. PostgreSQL: a GIN index on the same
weighted tsvector expression that observatoire.practices.search queries.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE practices_practice_fts USING fts5(
        search_title, search_body, content='practices_practice', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER practices_practice_fts_insert AFTER INSERT ON practices_practice BEGIN
        INSERT INTO practices_practice_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body);
    END""",
    """CREATE TRIGGER practices_practice_fts_delete AFTER DELETE ON practices_practice BEGIN
        INSERT INTO practices_practice_fts(practices_practice_fts, rowid, search_title,
            search_body) VALUES ('delete', old.id, old.search_title, old.search_body);
    END""",
    """CREATE TRIGGER practices_practice_fts_update AFTER UPDATE OF search_title, search_body
        ON practices_practice BEGIN
        INSERT INTO practices_practice_fts(practices_practice_fts, rowid, search_title,
            search_body) VALUES ('delete', old.id, old.search_title, old.search_body);
        INSERT INTO practices_practice_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body);
    END""",
    "INSERT INTO practices_practice_fts(practices_practice_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS practices_practice_fts_update",
    "DROP TRIGGER IF EXISTS practices_practice_fts_delete",
    "DROP TRIGGER IF EXISTS practices_practice_fts_insert",
    "DROP TABLE IF EXISTS practices_practice_fts",
]
POSTGRES_FORWARD = [
    """CREATE INDEX practices_practice_search_gin ON practices_practice USING gin (
        (setweight(to_tsvector('simple'::regconfig, search_title), 'A') ||
         setweight(to_tsvector('simple'::regconfig, search_body), 'D')))""",
    """CREATE INDEX practices_practice_title_gin ON practices_practice USING gin (
        to_tsvector('simple'::regconfig, search_title))""",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS practices_practice_title_gin",
    "DROP INDEX IF EXISTS practices_practice_search_gin",
]


def forward(apps, schema_editor) -> None:
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def backward(apps, schema_editor) -> None:
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
