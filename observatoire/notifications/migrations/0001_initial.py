"""Notification and DigestPreference move here from the community app, rows and all.

The tables already exist (community's 0001 made them): this migration only tells Django's state
that they now belong to notifications, keeping their names (``db_table``). Background tasks that
wait with the old module path (the scheduled digest run) are pointed at the new one.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED_TASKS = {
    "observatoire.community.tasks.run_scheduled_digests": (
        "observatoire.notifications.tasks.run_scheduled_digests"
    ),
    "observatoire.community.tasks.send_digests": "observatoire.notifications.tasks.send_digests",
}


def point_tasks_forward(apps, schema_editor):
    results = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in MOVED_TASKS.items():
        results.objects.filter(task_path=old).update(task_path=new)


def point_tasks_back(apps, schema_editor):
    results = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in MOVED_TASKS.items():
        results.objects.filter(task_path=new).update(task_path=old)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("community", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("text", models.CharField(max_length=300, verbose_name="texte")),
                        (
                            "url",
                            models.CharField(blank=True, max_length=500, verbose_name="lien"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="créée le"
                            ),
                        ),
                        (
                            "read_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="lue le"),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="destinataire",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "db_table": "community_notification",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(
                                fields=["recipient", "read_at"],
                                name="community_n_recipie_45ee00_idx",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DigestPreference",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "frequency",
                            models.CharField(
                                choices=[
                                    ("daily", "chaque jour"),
                                    ("weekly", "chaque semaine"),
                                    ("off", "jamais"),
                                ],
                                default="weekly",
                                max_length=10,
                                verbose_name="fréquence du courriel récapitulatif",
                            ),
                        ),
                        (
                            "last_sent_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="dernier envoi"
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="digest_preference",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "préférence de courriel récapitulatif",
                        "verbose_name_plural": "préférences de courriel récapitulatif",
                        "db_table": "community_digestpreference",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(point_tasks_forward, point_tasks_back, elidable=True),
    ]
