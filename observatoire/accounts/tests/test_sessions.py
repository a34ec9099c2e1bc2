"""Sessions read with a prepared query (accounts/sessions.py) behave as Django's database store."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from observatoire.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_live_session_is_read_and_an_expired_one_is_not():
    store = SessionStore()
    store["panier"] = [1, 2]
    store.save()
    key = store.session_key
    assert SessionStore(key)["panier"] == [1, 2]
    assert DjangoStore(key)["panier"] == [1, 2]  # the same rows as Django's store
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None
    assert DjangoStore(key).load() == {}


@pytest.mark.parametrize("key", [None, "", "court", "x' OR '1'='1", "a" * 40])
def test_unknown_or_malformed_keys_give_an_empty_session(key):
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


def test_signing_in_keeps_working(client, member):
    client.force_login(member)
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user == member
