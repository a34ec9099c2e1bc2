from django.db import migrations


def forget_members_counts(apps, schema_editor) -> None:
    """The directory's counts are kept in the scope it is read in alone (« public »): those
    kept for members too, never read, go."""
    facet_count = apps.get_model("search", "FacetCount")
    facet_count.objects.filter(list_name="cooperatives", scope="members").delete()


def count_for_members(apps, schema_editor) -> None:
    """Back: members' counts again, the same as visitors' (every listed cooperative is public)."""
    facet_count = apps.get_model("search", "FacetCount")
    rows = facet_count.objects.filter(list_name="cooperatives", scope="public")
    facet_count.objects.bulk_create(
        [
            facet_count(
                list_name=row.list_name,
                scope="members",
                among=row.among,
                token=row.token,
                count=row.count,
            )
            for row in rows.iterator()
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0007_cooperative_address_logo_closed"),
        ("search", "0004_facetcount_pairs"),
    ]

    operations = [migrations.RunPython(forget_members_counts, count_for_members)]
