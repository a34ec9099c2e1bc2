"""make run's demo content: loaddemo loads the network, the practices and the accounts, and
places every demo cooperative on the map; run twice, it adds nothing."""

import pytest
from django.core.management import call_command

from observatoire.accounts.models import User
from observatoire.network.models import Cooperative, LocationPrecision, Organisation
from observatoire.practices.models import Practice

pytestmark = pytest.mark.django_db


def test_the_demo_is_loaded_and_its_cooperatives_placed():
    call_command("loaddemo", verbosity=0)
    assert Practice.objects.published().count() >= 40
    assert User.objects.filter(email="membre@demo.coop").exists()
    cooperatives = Cooperative.objects.select_related("union")
    assert cooperatives.count() >= 30
    unplaced = [c.name for c in cooperatives if c.location_precision != LocationPrecision.COMMUNE]
    assert unplaced == []
    assert all(len(c.commune_code) == 5 and c.latitude is not None for c in cooperatives)
    # The five overseas départements, each on its inset of the map.
    assert {c.commune_code[:3] for c in cooperatives} >= {"971", "972", "973", "974", "976"}
    assert (
        len({c.union_id for c in cooperatives}) == Organisation.objects.filter(kind="union").count()
    )

    counts = (Practice.objects.count(), Cooperative.objects.count(), User.objects.count())
    call_command("loaddemo", verbosity=0)
    assert (Practice.objects.count(), Cooperative.objects.count(), User.objects.count()) == counts
