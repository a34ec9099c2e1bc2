"""Synonyms move here from practices (copied row for row), and the movement's vocabulary is
seeded: entries staff already had keep their long form."""

from django.db import migrations

from observatoire.search.movement_vocabulary import SYNONYMS


def forward(apps, schema_editor) -> None:
    Synonym = apps.get_model("search", "Synonym")
    OldSynonym = apps.get_model("practices", "Synonym")
    kept = dict(OldSynonym.objects.values_list("term", "expansion"))
    for term, expansion in kept.items():
        Synonym.objects.get_or_create(term=term, defaults={"expansion": expansion})
    known = {term.lower() for term in Synonym.objects.values_list("term", flat=True)}
    Synonym.objects.bulk_create(
        [
            Synonym(term=term, expansion=expansion)
            for term, expansion in SYNONYMS
            if term.lower() not in known
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial"), ("practices", "0007_moderation_indexes")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
