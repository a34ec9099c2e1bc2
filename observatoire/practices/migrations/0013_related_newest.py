"""The newest practices of each theme and category, kept for « Pratiques proches »."""

from django.db import migrations, models

from observatoire.practices.related import rebuild_all


def backfill(apps, schema_editor) -> None:
    rebuild_all(
        apps.get_model("practices", "Practice"),
        apps.get_model("practices", "Theme"),
        apps.get_model("practices", "Category"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0012_facet_token_public"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="newest",
            field=models.JSONField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="theme",
            name="newest",
            field=models.JSONField(editable=False, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
