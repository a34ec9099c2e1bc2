"""A practice's card in a list without a query, stored on its row with its page's body
(page_body.py). Empty until rendered: by ``manage.py renderpractices``, or by the practice's
next save; lists render the card meanwhile."""

from django.db import migrations, models

from observatoire.practices.fts import ensure_sqlite_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0022_search_rows_rank"),
    ]

    operations = [
        migrations.AddField(
            model_name="practice",
            name="card_html",
            field=models.TextField(default="", editable=False),
        ),
        # Adding a column may rebuild the table on SQLite, dropping its full-text triggers.
        migrations.RunPython(ensure_sqlite_triggers, migrations.RunPython.noop),
    ]
