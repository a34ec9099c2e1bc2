"""Notification and DigestPreference now belong to the notifications app (same tables, same
rows): the community app forgets them in Django's state only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="DigestPreference"),
            ],
            database_operations=[],
        ),
    ]
