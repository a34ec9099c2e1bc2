"""The journal names a resubmission given back to the moderator who asked for the changes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0023_practice_card_html"),
    ]

    operations = [
        migrations.AlterField(
            model_name="moderationevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("submitted", "soumise"),
                    ("taken", "prise en charge"),
                    ("released", "rendue à la file"),
                    ("published", "publiée"),
                    ("changes_requested", "modifications demandées"),
                    ("declined", "refusée"),
                    ("assigned", "rendue à qui a demandé les modifications"),
                    ("restored_version", "version restaurée"),
                    ("deleted", "supprimée"),
                    ("undeleted", "restaurée de la corbeille"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
    ]
