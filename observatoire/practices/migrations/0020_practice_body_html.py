"""The practice page's body, stored on its row (page_body.py). Empty until rendered: by
``manage.py renderpractices``, or by the practice's next save; pages render it meanwhile."""

from django.db import migrations, models

from observatoire.practices.fts import ensure_sqlite_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0019_title_vector_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="practice",
            name="body_html",
            field=models.TextField(default="", editable=False),
        ),
        # Adding a column may rebuild the table on SQLite, dropping its full-text triggers.
        migrations.RunPython(ensure_sqlite_triggers, migrations.RunPython.noop),
    ]
