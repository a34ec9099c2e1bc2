from django.db import migrations


def count_pairs(apps, schema_editor) -> None:
    """The counts of every directory list filtered on two facets, beside those already kept."""
    from observatoire.network import directory_index

    directory_index.rebuild_all(apps.get_model("network", "Cooperative"), forget=False, pairs=True)


def forget_pairs(apps, schema_editor) -> None:
    facet_count = apps.get_model("search", "FacetCount")
    facet_count.objects.filter(list_name="cooperatives", among__contains=" ").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0004_directory"),
        ("search", "0004_facetcount_pairs"),
    ]

    operations = [migrations.RunPython(count_pairs, forget_pairs)]
