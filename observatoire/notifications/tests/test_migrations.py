"""Moving Notification and DigestPreference from community to notifications kept every row."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from observatoire.accounts.tests.factories import make_user
from observatoire.notifications.models import DigestPreference, Notification

BEFORE_THE_MOVE = [("notifications", None), ("community", "0001_initial")]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


@pytest.mark.django_db(transaction=True)
def test_a_database_migrated_before_the_move_keeps_its_notifications():
    person = make_user()
    executor = migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state(BEFORE_THE_MOVE[1:]).apps
    old.get_model("community", "Notification").objects.create(
        recipient_id=person.pk, text="Écrite avant le déménagement", url="/"
    )
    old.get_model("community", "DigestPreference").objects.create(
        user_id=person.pk, frequency="daily"
    )
    migrate(executor.loader.graph.leaf_nodes())
    assert Notification.objects.get(recipient=person).text == "Écrite avant le déménagement"
    assert DigestPreference.objects.get(user=person).frequency == "daily"
