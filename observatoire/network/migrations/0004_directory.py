"""The directory: what a cooperative shows and is filtered on (programme flags, archiving, when
it joined), and what search and lists read of it (network/directory_index.py): its sort key,
stems, facet tokens and facet rows, its full-text index (network/fts.py), and the counts of the
unfiltered and single-filter lists. Existing cooperatives are indexed here.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from observatoire.network.fts import drop_index, ensure_index


def index_all(apps, schema_editor) -> None:
    from observatoire.network import directory_index

    # The cache may not exist yet (createcachetable runs after migrate): nothing to renew.
    # The counts of two-facet lists come with 0005, once ``among`` holds two tokens.
    directory_index.rebuild_all(apps.get_model("network", "Cooperative"), forget=False, pairs=False)


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0003_cooperative_siret"),
        # « a des pratiques » reads the practices of each cooperative.
        ("practices", "0024_moderation_assigned"),
        ("search", "0003_facetcount"),
    ]

    operations = [
        migrations.CreateModel(
            name="CooperativeFacet",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=120)),
                ("sort_name", models.CharField(max_length=200)),
                ("tokens", models.JSONField(default=list)),
            ],
        ),
        migrations.AddField(
            model_name="cooperative",
            name="added_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="inscrite à l'annuaire le"
            ),
        ),
        migrations.AddField(
            model_name="cooperative",
            name="ambassador",
            field=models.BooleanField(default=False, verbose_name="ambassadrice du réseau"),
        ),
        migrations.AddField(
            model_name="cooperative",
            name="archived_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Une coopérative qui a quitté le réseau est archivée, jamais supprimée.",
                null=True,
                verbose_name="archivée le",
            ),
        ),
        migrations.AddField(
            model_name="cooperative",
            name="offers_mentoring",
            field=models.BooleanField(default=False, verbose_name="prête à parrainer"),
        ),
        migrations.AddField(
            model_name="cooperative",
            name="search_body",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="cooperative",
            name="search_head",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="cooperative",
            name="search_title",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="cooperative",
            name="seeks_mentoring",
            field=models.BooleanField(default=False, verbose_name="cherche un parrainage"),
        ),
        migrations.AddField(
            model_name="cooperative",
            name="sort_name",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="cooperative",
            name="tokens",
            field=models.JSONField(default=list, editable=False),
        ),
        migrations.AddIndex(
            model_name="cooperative",
            index=models.Index(fields=["sort_name", "id"], name="cooperative_sort_name"),
        ),
        migrations.AddIndex(
            model_name="cooperative",
            index=models.Index(fields=["added_at", "id"], name="cooperative_added_at"),
        ),
        migrations.AddField(
            model_name="cooperativefacet",
            name="cooperative",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="facet_rows",
                to="network.cooperative",
            ),
        ),
        migrations.AddIndex(
            model_name="cooperativefacet",
            index=models.Index(
                fields=["token", "sort_name", "cooperative", "tokens"],
                name="cooperative_facet_carries",
            ),
        ),
        migrations.AddConstraint(
            model_name="cooperativefacet",
            constraint=models.UniqueConstraint(
                fields=("cooperative", "token"), name="cooperative_facet_unique"
            ),
        ),
        migrations.RunPython(ensure_index, drop_index),
        migrations.RunPython(index_all, migrations.RunPython.noop),
    ]
