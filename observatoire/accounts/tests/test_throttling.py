"""Sign-in throttling (django-axes): five failures for one address from one IP lock that pair
for 15 minutes, with a French page; a success clears the count. And per account, whatever the
network address (signin_lock.py): many failures from many addresses lock the account, and its
owner gets a link by email that lets their browser in."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from observatoire.accounts.backends import client_ip
from observatoire.accounts.models import ActionCount
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


# Per account, whatever the network address: spraying one account from many addresses.
def spray(client, email, times, first_ip=1):
    for number in range(first_ip, first_ip + times):
        attempt(client, email, ip=f"203.0.113.{number}")


def unlock_link(message) -> str:
    match = re.search(r"http://127\.0\.0\.1:8000(/connexion/deverrouiller/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


@override_settings(SIGNIN_ACCOUNT_FAILURE_LIMIT=8)
def test_failures_from_many_addresses_lock_the_account(client, run_tasks):
    user = make_user()
    spray(client, user.email, 7)
    # Never five from one address: the pair lock never applies, the account lock does.
    assert attempt(client, user.email, password=PASSWORD, ip="198.51.100.1").status_code == 302
    client.logout()
    spray(client, user.email, 8, first_ip=20)
    locked = attempt(client, user.email, password=PASSWORD, ip="198.51.100.2")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Ce compte est verrouillé" in page
    assert "lien de déverrouillage" in page
    assert client.get(reverse("accounts:profile")).status_code == 302
    # Its owner got one email with an unlock link, however many attempts follow.
    spray(client, user.email, 5, first_ip=40)
    run_tasks()
    unlocks = [message for message in mail.outbox if message.to == [user.email]]
    assert len(unlocks) == 1
    assert unlocks[0].subject == "Déverrouiller la connexion à votre compte"


@override_settings(SIGNIN_ACCOUNT_FAILURE_LIMIT=8)
def test_the_unlock_link_lets_its_browser_in_and_nobody_else(client, run_tasks):
    user = make_user()
    spray(client, user.email, 8)
    run_tasks()
    link = unlock_link(mail.outbox[-1])
    # Opening the link changes nothing (mail scanners open links); its button does.
    page = client.get(link)
    assert page.status_code == 200
    assert attempt(client, user.email, password=PASSWORD, ip="198.51.100.3").status_code == 429
    done = client.post(link)
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:login")
    assert attempt(client, user.email, password=PASSWORD, ip="198.51.100.3").status_code == 302
    # Another browser (the attacker's) is still refused, even with the password.
    other = Client()
    assert attempt(other, user.email, password=PASSWORD, ip="198.51.100.4").status_code == 429
    # A wrong or altered link does nothing.
    assert client.get(link[:-3] + "xx/").status_code == 404


@override_settings(SIGNIN_ACCOUNT_FAILURE_LIMIT=8)
def test_the_account_lock_tells_nothing_about_whether_the_address_exists(client, run_tasks):
    spray(client, "personne@exemple.coop", 8)
    locked = attempt(client, "personne@exemple.coop", ip="198.51.100.5")
    assert locked.status_code == 429
    assert "Ce compte est verrouillé" in locked.content.decode()
    run_tasks()
    assert mail.outbox == []


@override_settings(SIGNIN_ACCOUNT_FAILURE_LIMIT=8)
def test_a_new_password_lifts_the_account_lock(client, run_tasks):
    user = make_user()
    spray(client, user.email, 8)
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    run_tasks()
    [reset] = [message for message in mail.outbox if "mot-de-passe/nouveau" in message.body]
    path = re.search(r"http://127\.0\.0\.1:8000(/mot-de-passe/nouveau/\S+/)", reset.body)
    form = client.get(path.group(1), follow=True)
    new_password = "une-toute-nouvelle-phrase"
    client.post(
        form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    other = Client()
    assert attempt(other, user.email, new_password, ip="198.51.100.6").status_code == 302


@override_settings(SIGNIN_ACCOUNT_FAILURE_LIMIT=8)
def test_the_account_lock_ends_after_its_period(client):
    user = make_user()
    spray(client, user.email, 8)
    ActionCount.objects.update(window_started=timezone.now() - timedelta(hours=2))
    assert attempt(client, user.email, password=PASSWORD, ip="198.51.100.8").status_code == 302
