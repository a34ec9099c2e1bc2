"""PostgreSQL: keep the small ranking vector (title and head, about 500 bytes) inside the row.

Left to the default, it went to the TOAST table with the long texts, and every relevance test
on a row (title? head?) fetched it from there: a search for a frequent word read 400,000
buffers. Stored MAIN, it stays in the row; the rows are rewritten so that existing vectors
move back. Nothing to do on SQLite, whose full-text index is an FTS5 table.
"""

from django.db import migrations

from observatoire.lib.migrations import on_postgresql

INLINE = [
    "ALTER TABLE practices_practice ALTER COLUMN search_rank_vector SET STORAGE MAIN",
    # A new value (the same vector) is stored under the new rule; the triggers stay off, as
    # the text and its stems do not change.
    "ALTER TABLE practices_practice DISABLE TRIGGER USER",
    "UPDATE practices_practice SET search_rank_vector = search_rank_vector || ''::tsvector",
    "ALTER TABLE practices_practice ENABLE TRIGGER USER",
]
BACK = ["ALTER TABLE practices_practice ALTER COLUMN search_rank_vector SET STORAGE EXTENDED"]


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0014_relevance_indexes"),
    ]

    operations = [on_postgresql(INLINE, BACK)]
