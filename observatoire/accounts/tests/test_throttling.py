"""Sign-in throttling (django-axes): five failures for one address from one IP lock that pair
for 15 minutes, with a French page; a success clears the count."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from observatoire.accounts.backends import client_ip
from observatoire.accounts.tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "un-mot-de-passe-solide"


def attempt(client, email, password="mauvais", ip="192.0.2.10"):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def test_five_failures_lock_with_a_french_page(client):
    user = make_user()
    for _ in range(4):
        response = attempt(client, user.email)
        assert response.status_code == 200
        assert "incorrect" in response.content.decode()
    locked = attempt(client, user.email)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Connexion bloquée pour un moment" in page
    assert "15 minutes" in page
    retry = timezone.localtime(timezone.now() + timedelta(minutes=15))
    assert f"{retry:%H:}" in page
    # Even the right password waits now.
    again = attempt(client, user.email, password=PASSWORD)
    assert again.status_code == 429
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_the_lock_is_per_address_and_ip(client):
    user = make_user()
    other = make_user()
    for _ in range(5):
        attempt(client, user.email)
    assert attempt(client, user.email, password=PASSWORD).status_code == 429
    # Another address from the same IP, and the same address from another IP, still sign in.
    assert attempt(client, other.email, password=PASSWORD).status_code == 302
    client.logout()
    assert attempt(client, user.email, password=PASSWORD, ip="198.51.100.7").status_code == 302


def test_the_address_is_counted_whatever_its_case(client):
    user = make_user()
    for number in range(5):
        attempt(client, user.email.upper() if number % 2 else user.email)
    assert attempt(client, user.email, password=PASSWORD).status_code == 429


def test_a_success_resets_the_count(client):
    user = make_user()
    for _ in range(4):
        attempt(client, user.email)
    assert attempt(client, user.email, password=PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username=user.email).exists()
    client.logout()
    for _ in range(4):
        assert attempt(client, user.email).status_code == 200
    assert attempt(client, user.email, password=PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(client):
    user = make_user()
    for _ in range(5):
        attempt(client, user.email)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(client, user.email, password=PASSWORD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_limit_comes_from_settings(client):
    user = make_user()
    attempt(client, user.email)
    assert attempt(client, user.email).status_code == 429


def test_a_password_reset_lifts_the_lock(client, run_tasks):
    import re

    from django.core import mail

    user = make_user()
    for _ in range(5):
        attempt(client, user.email)
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    run_tasks()
    path = re.search(r"8000(/mot-de-passe/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(path, follow=True)
    new = "une-toute-nouvelle-phrase"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert attempt(client, user.email, password=new).status_code == 302


def test_forged_forwarded_for_does_not_dodge_the_lock(client):
    user = make_user()
    for number in range(5):
        client.post(
            reverse("accounts:login"),
            {"username": user.email, "password": "mauvais"},
            REMOTE_ADDR="192.0.2.10",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        )
    assert attempt(client, user.email, password=PASSWORD).status_code == 429


def test_behind_declared_proxies_the_client_address_is_read(rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(request) == "10.0.0.1"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(request) == "203.0.113.9"


def test_test_client_sign_in_still_works(client):
    user = make_user()
    assert client.login(username=user.email, password=PASSWORD)
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_sign_ins_without_an_address_are_neither_counted_nor_locked(rf):
    """The extranet's single sign-on authenticates with a code, not an address and password."""
    from django.contrib.auth import authenticate

    for _ in range(7):
        request = rf.post("/oidc/callback/", REMOTE_ADDR="192.0.2.10")
        assert authenticate(request, nonce="n", code_verifier="v") is None
        assert not getattr(request, "axes_locked_out", False)
    assert not AccessAttempt.objects.exists()
