"""PostgreSQL: store the weighted tsvector instead of computing it at query time.

Matching and ranking a broad query read the vector of every matching practice; computing it
from search_body for each row dominated the query. A trigger keeps the column in step with
search_title and search_body on every write (the ORM does not know the column). SQLite is
unchanged: FTS5 already stores its index.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE practices_practice ADD COLUMN search_vector tsvector",
    """CREATE FUNCTION practices_practice_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('simple'::regconfig, coalesce(NEW.search_title, '')), 'A') ||
            setweight(to_tsvector('simple'::regconfig, coalesce(NEW.search_body, '')), 'D');
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER practices_practice_search_vector_trigger
        BEFORE INSERT OR UPDATE OF search_title, search_body ON practices_practice
        FOR EACH ROW EXECUTE FUNCTION practices_practice_search_vector()""",
    "UPDATE practices_practice SET search_title = search_title",
    "DROP INDEX IF EXISTS practices_practice_search_gin",
    "DROP INDEX IF EXISTS practices_practice_title_gin",
    "CREATE INDEX practices_practice_vector_gin ON practices_practice USING gin (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS practices_practice_vector_gin",
    "DROP TRIGGER IF EXISTS practices_practice_search_vector_trigger ON practices_practice",
    "DROP FUNCTION IF EXISTS practices_practice_search_vector()",
    "ALTER TABLE practices_practice DROP COLUMN IF EXISTS search_vector",
    """CREATE INDEX practices_practice_search_gin ON practices_practice USING gin (
        (setweight(to_tsvector('simple'::regconfig, search_title), 'A') ||
         setweight(to_tsvector('simple'::regconfig, search_body), 'D')))""",
]


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("practices", "0002_search_index")]
    operations = [migrations.RunPython(forward, backward)]
