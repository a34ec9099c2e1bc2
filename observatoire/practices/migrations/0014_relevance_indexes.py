"""Indexes in the order of a search's relevance ties (the shorter title, then the newest), for
visitors and for members: a one-word search reads each level of relevance on them until its
page is full, instead of ranking every match (search/fulltext.py, levels())."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0013_related_newest"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="practice",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["status", "visibility", "title_length", "-published_at", "-id"],
                name="practice_relevance",
            ),
        ),
        migrations.AddIndex(
            model_name="practice",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=["status", "title_length", "-published_at", "-id"],
                name="practice_members_relevance",
            ),
        ),
    ]
