"""« Mon compte »: name and language, email change with verification, legacy verification."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from observatoire.accounts.models import User
from observatoire.accounts.tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "un-mot-de-passe-solide"


def confirm_link(message) -> str:
    match = re.search(r"http://127\.0\.0\.1:8000(/compte/adresse/confirmer/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_header_links_to_my_account(client_as, member):
    page = client_as(member).get(reverse("pages:home")).content.decode()
    assert reverse("accounts:profile") in page and "Mon compte" in page


def test_profile_needs_sign_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_change_name_and_language_sets_the_cookie(client_as, member):
    client = client_as(member)
    response = client.post(
        reverse("accounts:profile"), {"full_name": "  Camille   Martin ", "language": "en"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.full_name, member.language) == ("Camille Martin", "en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("accounts:profile"))
    assert 'lang="en"' in page.content.decode()


def test_an_empty_name_or_unknown_language_is_refused(client_as, member):
    response = client_as(member).post(
        reverse("accounts:profile"), {"full_name": "   ", "language": "de"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in page or "Indiquez votre nom." in page
    assert "Sélectionnez un choix valide" in page
    member.refresh_from_db()
    assert member.language == "fr"


def test_signing_in_brings_back_ones_language(client):
    user = make_user(language="en")
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_email_change_only_happens_once_the_link_is_followed(client_as, member, run_tasks):
    old = member.email
    client = client_as(member)
    response = client.post(
        reverse("accounts:email_change"), {"email": "Nouvelle@Exemple.coop", "password": PASSWORD}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.email == old  # not yet
    run_tasks()
    assert [message.to for message in mail.outbox] == [["nouvelle@exemple.coop"]]
    link = confirm_link(mail.outbox[0])

    followed = client.get(link, follow=True)
    assert "Votre adresse électronique est confirmée" in followed.content.decode()
    member.refresh_from_db()
    assert member.email == "nouvelle@exemple.coop"
    assert member.email_verified_at is not None
    run_tasks()
    # The old address is told.
    assert mail.outbox[-1].to == [old]
    # The link served: the account's address changed since, so it no longer applies.
    again = client.get(link)
    assert again.status_code == 410


def test_email_change_needs_the_password_and_never_tells_who_has_an_account(client_as, member):
    other = make_user(email="prise@exemple.coop")
    client = client_as(member)
    wrong = client.post(
        reverse("accounts:email_change"), {"email": "libre@exemple.coop", "password": "faux"}
    )
    assert "Ce mot de passe n&#x27;est pas le bon." in wrong.content.decode()
    taken = client.post(
        reverse("accounts:email_change"), {"email": other.email, "password": PASSWORD}, follow=True
    )
    free = client.post(
        reverse("accounts:email_change"),
        {"email": "libre@exemple.coop", "password": PASSWORD},
        follow=True,
    )
    # The same answer (issue 8, point 14): only the free address gets a link.
    assert taken.redirect_chain == free.redirect_chain
    assert "autre compte" not in taken.content.decode()
    from django_tasks_db.models import DBTaskResult

    addresses = [
        task.args_kwargs["kwargs"]["ids"].get("address") for task in DBTaskResult.objects.all()
    ]
    assert addresses == ["libre@exemple.coop"]
    bad = client.post(reverse("accounts:email_change"), {"email": "nope", "password": PASSWORD})
    assert "Saisissez une adresse électronique valide" in bad.content.decode()


def test_a_tampered_link_is_refused_clearly(client, member):
    response = client.get(reverse("accounts:email_confirm", args=["abc:def:ghi"]))
    assert response.status_code == 404
    assert "Lien incorrect" in response.content.decode()


def test_an_expired_link_is_refused_clearly(client_as, member, run_tasks, monkeypatch):
    client = client_as(member)
    client.post(reverse("accounts:email_verification_resend"))
    run_tasks()
    link = confirm_link(mail.outbox[0])
    later = timezone.now() + timezone.timedelta(days=4)
    monkeypatch.setattr("django.core.signing.time.time", lambda: later.timestamp())
    response = client.get(link)
    assert response.status_code == 410
    assert "Lien expiré" in response.content.decode()
    member.refresh_from_db()
    assert member.email_verified_at is None


def test_a_legacy_account_sees_a_gentle_notice_and_verifies(client_as, member, run_tasks):
    client = client_as(member)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "pas encore été vérifiée" in page and "Renvoyer le lien" in page
    client.post(reverse("accounts:email_verification_resend"))
    run_tasks()
    assert mail.outbox[0].to == [member.email]
    client.get(confirm_link(mail.outbox[0]))
    member.refresh_from_db()
    assert member.email_verified_at is not None
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Renvoyer le lien" not in page


def test_signing_in_unverified_gets_a_hint(client):
    user = make_user()
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}, follow=True
    )
    assert "pas encore été vérifiée" in response.content.decode()
    verified = make_user(email_verified_at=timezone.now())
    client.logout()
    response = client.post(
        reverse("accounts:login"), {"username": verified.email, "password": PASSWORD}, follow=True
    )
    assert "pas encore été vérifiée" not in response.content.decode()


def test_a_single_sign_on_account_changes_email_without_password(client_as, member):
    member.set_unusable_password()
    member.save()
    client = client_as(member)
    page = client.get(reverse("accounts:email_change")).content.decode()
    assert 'name="password"' not in page
    response = client.post(reverse("accounts:email_change"), {"email": "sso@exemple.coop"})
    assert response.status_code == 302
    assert User.objects.get(pk=member.pk).email == member.email
