"""Sessions read with their person in one query (accounts/sessions.py) behave as Django's store."""

from datetime import timedelta

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from observatoire.accounts.backends import ModelBackend
from observatoire.accounts.models import Session
from observatoire.accounts.sessions import SessionStore
from observatoire.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_live_session_is_read_and_an_expired_one_is_not():
    store = SessionStore()
    store["panier"] = [1, 2]
    store.save()
    key = store.session_key
    assert SessionStore(key)["panier"] == [1, 2]
    assert Session.objects.get(session_key=key).user_id is None  # nobody signed in
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None


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
    assert Session.objects.get(session_key=client.session.session_key).user == member


def test_a_member_page_reads_session_and_person_in_one_query(client, member):
    """The floor page reads nothing else: a signed-in member costs one query, not two (Django's
    store and backend read the session, then the person), and the header's unread count
    comes with them."""
    Notification.objects.create(recipient=member, text="Bienvenue")
    client.force_login(member)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/a-propos/")
    assert response.status_code == 200
    assert response.wsgi_request.user == member
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert response.wsgi_request.user.unread_notification_count == 1
    assert "non lues" in response.content.decode()


def test_the_person_read_with_a_session_serves_only_that_person(member, coop_admin):
    """The backend is not given the request: it takes the person read with the last session
    only if that is the person asked for, and only once."""
    store = SessionStore()
    store.update({SESSION_KEY: str(member.pk), BACKEND_SESSION_KEY: "x", HASH_SESSION_KEY: "y"})
    store.save()
    SessionStore(store.session_key).load()
    backend = ModelBackend()
    with CaptureQueriesContext(connection) as queries:
        assert backend.get_user(coop_admin.pk) == coop_admin
    assert len(queries) == 1  # read, not taken from the session of someone else
    SessionStore(store.session_key).load()
    with CaptureQueriesContext(connection) as queries:
        assert backend.get_user(member.pk) == member
        assert backend.get_user(member.pk) == member  # taken once: read again
    assert len(queries) == 1


def test_a_deactivated_person_is_signed_out(client, member):
    client.force_login(member)
    member.is_active = False
    member.save()
    response = client.get("/a-propos/")
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_a_changed_password_signs_other_sessions_out(client, member):
    client.force_login(member)
    member.set_password("un autre mot de passe, bien long")
    member.save()
    assert not client.get("/a-propos/").wsgi_request.user.is_authenticated


def test_deleting_a_person_deletes_their_sessions(client, member):
    client.force_login(member)
    assert Session.objects.filter(user=member).count() == 1
    member.delete()
    assert not Session.objects.exists()
