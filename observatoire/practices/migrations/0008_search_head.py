"""Search in three parts (title, head, body), its vocabulary and synonyms in the search app.

- SQLite: the FTS5 table gets a head column; its triggers follow (fts.py).
- PostgreSQL: the stored vector weighs title A, head B, body D; a small second vector of title
  and head (``search_rank_vector``) serves ranking without reading the large one.
- Every practice is indexed again with today's rules (feminine forms, number words, places),
  and the vocabulary is rebuilt in the search app from the practices' words.
"""

from django.db import migrations, models

from observatoire.lib.text import index_text, stem, words
from observatoire.practices.fts import replace_sqlite_table
from observatoire.practices.indexing import body_pieces, head_pieces, joined
from observatoire.search.vocabulary import MAX_WORD_LENGTH, MIN_WORD_LENGTH

POSTGRES_FORWARD = [
    "ALTER TABLE practices_practice ADD COLUMN search_rank_vector tsvector",
    """CREATE OR REPLACE FUNCTION practices_practice_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_rank_vector :=
            setweight(to_tsvector('simple'::regconfig, coalesce(NEW.search_title, '')), 'A') ||
            setweight(to_tsvector('simple'::regconfig, coalesce(NEW.search_head, '')), 'B');
        NEW.search_vector := NEW.search_rank_vector ||
            setweight(to_tsvector('simple'::regconfig, coalesce(NEW.search_body, '')), 'D');
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS practices_practice_search_vector_trigger ON practices_practice",
    """CREATE TRIGGER practices_practice_search_vector_trigger
        BEFORE INSERT OR UPDATE OF search_title, search_head, search_body ON practices_practice
        FOR EACH ROW EXECUTE FUNCTION practices_practice_search_vector()""",
]


def index_structure(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)
    elif schema_editor.connection.vendor == "sqlite":
        replace_sqlite_table(schema_editor)


def reindex(apps, schema_editor) -> None:
    Practice = apps.get_model("practices", "Practice")
    Cooperative = apps.get_model("network", "Cooperative")
    Word = apps.get_model("search", "Word")
    cooperatives = models.Prefetch(
        "cooperatives", queryset=Cooperative.objects.select_related("departement__region")
    )
    practices = (
        Practice.objects.select_related("category")
        .prefetch_related("themes", "tags", cooperatives)
        .order_by("pk")
    )
    vocabulary: set[str] = set()
    batch = []
    for practice in practices.iterator(chunk_size=500):
        head = head_pieces(
            practice,
            category=practice.category,
            themes=practice.themes.all(),
            tags=practice.tags.all(),
        )
        body = body_pieces(practice, cooperatives=practice.cooperatives.all())
        practice.search_title = index_text(practice.title)
        practice.search_head = joined(head)
        practice.search_body = joined(body)
        vocabulary.update(words("\n".join([practice.title, *head, *body])))
        batch.append(practice)
        if len(batch) == 500:
            Practice.objects.bulk_update(batch, ["search_title", "search_head", "search_body"])
            batch = []
    Practice.objects.bulk_update(batch, ["search_title", "search_head", "search_body"])
    Word.objects.bulk_create(
        [
            Word(word=word, stem=stem(word), length=len(word))
            for word in sorted(vocabulary)
            if MIN_WORD_LENGTH <= len(word) <= MAX_WORD_LENGTH and not word.isdigit()
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0007_moderation_indexes"),
        ("search", "0002_movement_vocabulary"),
        ("network", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="Synonym"),
        migrations.DeleteModel(name="Word"),
        migrations.AddField(
            model_name="practice",
            name="search_head",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(index_structure, migrations.RunPython.noop),
        migrations.RunPython(reindex, migrations.RunPython.noop),
    ]
