"""PostgreSQL: a GIN index on the small ranking vector (title and head).

A search whose words stand in few titles found its rows by reading every practice and its large
vector (the planner does not count what fetching that vector from TOAST costs): 260 ms for
« assemblée générale » at 50,000 practices. With this index the rows with a word in their title
or head come from the index (17 ms), and only they are read. Nothing to do on SQLite, whose
full-text index is an FTS5 table with every column.
"""

from django.db import migrations

from observatoire.lib.migrations import on_postgresql

CREATE = [
    "CREATE INDEX IF NOT EXISTS practices_practice_rank_vector_gin "
    "ON practices_practice USING gin (search_rank_vector)"
]
DROP = ["DROP INDEX IF EXISTS practices_practice_rank_vector_gin"]


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0015_rank_vector_inline"),
    ]

    operations = [on_postgresql(CREATE, DROP)]
