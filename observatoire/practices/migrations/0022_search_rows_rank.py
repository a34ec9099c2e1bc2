"""PostgreSQL: a search ranks the narrow search rows (models.PracticeSearchRow), not the
practices, wide with their texts: each row gets the practice's small vector (``rank_vector``,
title A and head B), its title's stems, their length and its publication date, kept by the
triggers of migration 0021 (now copying these too), with the indexes a search reads: the
small vector's, the title's own vector's, and the order of relevance ties.

Ranking several thousand candidates read them one by one from the practice table (184 MB at
50,000 practices), each row fetched from the disk's cache; the search rows hold all of them
in 35 MB (the whole-text vector kept apart in TOAST), in PostgreSQL's own memory. SQLite
ranks on its FTS5 table and the practice table; the columns stay empty there.
"""

from importlib import import_module

from django.db import migrations, models

from observatoire.lib.migrations import on_postgresql

TABLE = "practices_practicesearchrow"


def year(row: str) -> str:
    return f"{row}.token >= 'annee:' AND {row}.token < 'annee;'"


COPIED = "vector, rank_vector, search_title, title_length"

FORWARD = [
    f"ALTER TABLE {TABLE} ADD COLUMN rank_vector tsvector NOT NULL DEFAULT ''::tsvector",
    f"ALTER TABLE {TABLE} ALTER COLUMN rank_vector SET STORAGE MAIN",
    f"""CREATE OR REPLACE FUNCTION practices_searchrow_from_facet() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            IF {year("OLD")} THEN
                DELETE FROM {TABLE} WHERE practice_id = OLD.practice_id;
            END IF;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          IF {year("NEW")} THEN
            INSERT INTO {TABLE} (practice_id, public, tokens, published_at, {COPIED})
            SELECT NEW.practice_id, NEW.public, NEW.tokens, NEW.published_at,
                   coalesce(practice.search_vector, ''::tsvector),
                   coalesce(practice.search_rank_vector, ''::tsvector),
                   practice.search_title, practice.title_length
            FROM practices_practice AS practice WHERE practice.id = NEW.practice_id
            ON CONFLICT (practice_id) DO UPDATE
            SET public = excluded.public, tokens = excluded.tokens,
                published_at = excluded.published_at, vector = excluded.vector,
                rank_vector = excluded.rank_vector, search_title = excluded.search_title,
                title_length = excluded.title_length;
          END IF;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION practices_searchrow_vector() RETURNS trigger AS $$
    BEGIN
        UPDATE {TABLE} SET vector = coalesce(NEW.search_vector, ''::tsvector),
            rank_vector = coalesce(NEW.search_rank_vector, ''::tsvector),
            search_title = NEW.search_title, title_length = NEW.title_length
        WHERE practice_id = NEW.id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER practices_searchrow_vector_trigger ON practices_practice",
    """CREATE TRIGGER practices_searchrow_vector_trigger
        AFTER UPDATE ON practices_practice
        FOR EACH ROW WHEN (
            OLD.search_vector IS DISTINCT FROM NEW.search_vector
            OR OLD.search_rank_vector IS DISTINCT FROM NEW.search_rank_vector
            OR OLD.search_title IS DISTINCT FROM NEW.search_title
            OR OLD.title_length IS DISTINCT FROM NEW.title_length
        )
        EXECUTE FUNCTION practices_searchrow_vector()""",
    f"""UPDATE {TABLE} AS search_row SET rank_vector = coalesce(practice.search_rank_vector, ''::tsvector),
            search_title = practice.search_title, title_length = practice.title_length,
            published_at = practice.published_at
        FROM practices_practice AS practice WHERE practice.id = search_row.practice_id""",
    f"CREATE INDEX practices_searchrow_rank_vector_gin ON {TABLE} USING gin (rank_vector)",
    f"CREATE INDEX practices_searchrow_title_vector_gin ON {TABLE}"
    " USING gin (to_tsvector('simple'::regconfig, search_title))",
]
# Back to migration 0021's triggers, which copy the vector alone.
_PREVIOUS = import_module("observatoire.practices.migrations.0021_search_rows").FORWARD
BACKWARD = [
    "DROP INDEX IF EXISTS practices_searchrow_title_vector_gin",
    "DROP INDEX IF EXISTS practices_searchrow_rank_vector_gin",
    _PREVIOUS[2].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"),
    _PREVIOUS[4].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"),
    "DROP TRIGGER practices_searchrow_vector_trigger ON practices_practice",
    _PREVIOUS[5],
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS rank_vector",
]


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0021_search_rows"),
    ]

    operations = [
        migrations.AddField(
            model_name="practicesearchrow",
            name="published_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="practicesearchrow",
            name="search_title",
            field=models.TextField(default=""),
        ),
        migrations.AddField(
            model_name="practicesearchrow",
            name="title_length",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddIndex(
            model_name="practicesearchrow",
            index=models.Index(
                fields=["public", "title_length", "-published_at", "-practice"],
                name="searchrow_relevance",
            ),
        ),
        migrations.AddIndex(
            model_name="practicesearchrow",
            index=models.Index(
                fields=["title_length", "-published_at", "-practice"],
                name="searchrow_members_relevance",
            ),
        ),
        on_postgresql(FORWARD, BACKWARD),
    ]
