from django.db import migrations

from observatoire.practices.facet_rows import rebuild_all


def count_pairs(apps, schema_editor) -> None:
    """The counts of every list filtered on two facets, beside those already kept."""
    rebuild_all(apps.get_model("practices", "Practice"), pairs=True)


def forget_pairs(apps, schema_editor) -> None:
    facet_count = apps.get_model("search", "FacetCount")
    facet_count.objects.filter(list_name="practices", among__contains=" ").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0024_moderation_assigned"),
        ("search", "0004_facetcount_pairs"),
    ]

    operations = [migrations.RunPython(count_pairs, forget_pairs)]
