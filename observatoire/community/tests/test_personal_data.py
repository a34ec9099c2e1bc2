"""GDPR: the community's data in a person's export, and what deleting the account does."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from observatoire.accounts import personal_data
from observatoire.community.models import (
    Adoption,
    Bookmark,
    Comment,
    Follow,
)
from observatoire.community.tests.factories import make_comment
from observatoire.notifications.models import DigestPreference, Notification
from observatoire.notifications.notify import notify
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db


@pytest.fixture
def active_member(member):
    practice = make_practice(title="Pratique commentée")
    make_comment(practice, member, body="Mon commentaire")
    Adoption.objects.create(practice=practice, cooperative=member.cooperative, declared_by=member)
    Bookmark.objects.create(user=member, practice=practice)
    Follow.objects.create(user=member, practice=practice)
    notify(member, "Une notification", "/")
    DigestPreference.objects.create(user=member, frequency="daily")
    return member


def test_export_holds_everything(active_member):
    data = personal_data.export_for(active_member)
    text = json.dumps(data, cls=DjangoJSONEncoder)
    assert data["commentaires"][0]["texte"] == "Mon commentaire"
    assert data["adoptions"][0]["pratique"] == "Pratique commentée"
    assert data["favoris"][0]["pratique"] == "Pratique commentée"
    assert data["abonnements"][0]["type"] == "pratique"
    assert data["notifications"][0]["text"] == "Une notification"
    assert data["courriel_recapitulatif"]["fréquence"] == "daily"
    assert "Mon commentaire" in text


def test_erase_anonymises_comments_and_adoptions_and_deletes_the_rest(client, active_member):
    personal_data.erase_for(active_member)
    comment = Comment.objects.get()
    assert comment.author is None and comment.body == "Mon commentaire"
    adoption = Adoption.objects.get()
    assert adoption.declared_by is None and adoption.cooperative == active_member.cooperative
    for model in (Bookmark, Follow, Notification, DigestPreference):
        assert not model.objects.exists(), model
    html = client.get(comment.practice.get_absolute_url()).content.decode()
    assert "Ancien membre" in html


def test_deleting_the_account_keeps_the_comment(client, active_member):
    practice = Comment.objects.get().practice
    active_member.delete()
    assert Comment.objects.get().author is None
    assert "Ancien membre" in client.get(practice.get_absolute_url()).content.decode()
