"""PostgreSQL: a narrow row per published practice, with its vector and its facet tokens, for
a search to count its results and their facets (models.PracticeSearchRow).

Triggers keep it without any Python: the year facet row of a practice (one for each published
practice) writes or deletes it, with the practice's tokens and vector; a change of the text
copies the new vector. The table exists on SQLite too (the ORM knows it) and stays empty.
"""

import django.db.models.deletion
from django.db import migrations, models

from observatoire.lib.migrations import on_postgresql

TABLE = "practices_practicesearchrow"


def year(row: str) -> str:
    """Whether ``row`` is a year row (« annee:2024 »): exactly one a published practice."""
    return f"{row}.token >= 'annee:' AND {row}.token < 'annee;'"


FORWARD = [
    f"ALTER TABLE {TABLE} ADD COLUMN vector tsvector NOT NULL DEFAULT ''::tsvector",
    f"CREATE INDEX practices_searchrow_vector_gin ON {TABLE} USING gin (vector)",
    f"""CREATE FUNCTION practices_searchrow_from_facet() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            IF {year("OLD")} THEN
                DELETE FROM {TABLE} WHERE practice_id = OLD.practice_id;
            END IF;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          IF {year("NEW")} THEN
            INSERT INTO {TABLE} (practice_id, public, tokens, vector)
            SELECT NEW.practice_id, NEW.public, NEW.tokens,
                   coalesce(practice.search_vector, ''::tsvector)
            FROM practices_practice AS practice WHERE practice.id = NEW.practice_id
            ON CONFLICT (practice_id) DO UPDATE
            SET public = excluded.public, tokens = excluded.tokens, vector = excluded.vector;
          END IF;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER practices_searchrow_from_facet_trigger
        AFTER INSERT OR UPDATE OR DELETE ON practices_practicefacet
        FOR EACH ROW EXECUTE FUNCTION practices_searchrow_from_facet()""",
    f"""CREATE FUNCTION practices_searchrow_vector() RETURNS trigger AS $$
    BEGIN
        UPDATE {TABLE} SET vector = coalesce(NEW.search_vector, ''::tsvector)
        WHERE practice_id = NEW.id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER practices_searchrow_vector_trigger
        AFTER UPDATE ON practices_practice
        FOR EACH ROW WHEN (OLD.search_vector IS DISTINCT FROM NEW.search_vector)
        EXECUTE FUNCTION practices_searchrow_vector()""",
    f"""INSERT INTO {TABLE} (practice_id, public, tokens, vector)
        SELECT facet.practice_id, facet.public, facet.tokens,
               coalesce(practice.search_vector, ''::tsvector)
        FROM practices_practicefacet AS facet
        JOIN practices_practice AS practice ON practice.id = facet.practice_id
        WHERE {year("facet")}""",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS practices_searchrow_vector_trigger ON practices_practice",
    "DROP FUNCTION IF EXISTS practices_searchrow_vector()",
    "DROP TRIGGER IF EXISTS practices_searchrow_from_facet_trigger ON practices_practicefacet",
    "DROP FUNCTION IF EXISTS practices_searchrow_from_facet()",
]


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0020_practice_body_html"),
    ]

    operations = [
        migrations.CreateModel(
            name="PracticeSearchRow",
            fields=[
                (
                    "practice",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="practices.practice",
                    ),
                ),
                ("public", models.BooleanField()),
                ("tokens", models.JSONField(default=list)),
            ],
        ),
        on_postgresql(FORWARD, BACKWARD),
    ]
