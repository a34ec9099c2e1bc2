"""Password reset end to end (the email's link followed) and password change."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from observatoire.accounts.tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "un-mot-de-passe-solide"
NEW_PASSWORD = "une-toute-nouvelle-phrase"


def reset_link(message) -> str:
    match = re.search(r"http://127\.0\.0\.1:8000(/mot-de-passe/nouveau/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_end_to_end(client, run_tasks):
    user = make_user(email="camille@exemple.coop", full_name="Camille Martin")
    response = client.post(reverse("accounts:password_reset"), {"email": "Camille@Exemple.coop"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    run_tasks()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["camille@exemple.coop"]
    assert message.subject == "Choisir un nouveau mot de passe"
    assert "Bonjour Camille Martin" in message.body

    form_page = client.get(reset_link(message), follow=True)
    assert form_page.status_code == 200
    assert "Choisir un nouveau mot de passe" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    short = client.post(set_url, {"new_password1": "court", "new_password2": "court"})
    assert "Ce mot de passe est trop court" in short.content.decode()
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.email_verified_at is not None  # the link reached this address

    # The link served once.
    again = client.get(reset_link(message), follow=True)
    assert "Ce lien ne marche plus" in again.content.decode()
    signed_in = client.post(
        reverse("accounts:login"), {"username": user.email, "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, run_tasks):
    make_user(email="connue@exemple.coop")
    known = client.post(reverse("accounts:password_reset"), {"email": "connue@exemple.coop"})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "inconnue@exemple.coop"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    run_tasks()
    assert [message.to for message in mail.outbox] == [["connue@exemple.coop"]]
    page = client.get(unknown["Location"]).content.decode()
    assert "Si un compte existe avec cette adresse" in page


def test_a_bad_address_is_refused_in_french(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "pas une adresse"})
    assert response.status_code == 200
    assert "Saisissez une adresse électronique valide" in response.content.decode()


def test_a_broken_link_says_so(client):
    response = client.get(
        reverse("accounts:password_reset_confirm", args=["MQ", "abc-def"]), follow=True
    )
    assert response.status_code == 200
    assert "Ce lien ne marche plus" in response.content.decode()


def test_the_login_page_offers_the_reset(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:password_reset") in page


def test_password_change_for_a_signed_in_person(client_as, member):
    client = client_as(member)
    url = reverse("accounts:password_change")
    wrong = client.post(
        url,
        {"old_password": "faux", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "ancien mot de passe est incorrect" in wrong.content.decode()
    response = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:profile")
    assert "Votre mot de passe est changé." in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    # Still signed in after the change.
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_password_change_needs_sign_in(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_reset_form_has_a_honeypot(client, run_tasks):
    make_user(email="connue@exemple.coop")
    response = client.post(
        reverse("accounts:password_reset"),
        {"email": "connue@exemple.coop", "site_web": "http://spam.example"},
    )
    assert response.status_code == 200
    assert "rempli par un robot" in response.content.decode()
    run_tasks()
    assert mail.outbox == []


def test_reset_emails_are_limited_per_account_without_saying_so(client, run_tasks):
    make_user(email="camille@exemple.coop")
    answers = [
        client.post(reverse("accounts:password_reset"), {"email": "camille@exemple.coop"})
        for _ in range(5)
    ]
    assert {answer["Location"] for answer in answers} == {reverse("accounts:password_reset_done")}
    run_tasks()
    assert len(mail.outbox) == 3  # a mailbox is not flooded, and the page never tells


def test_verification_links_are_limited_per_hour(client_as, member, run_tasks):
    member.email_verified_at = None
    member.save()
    client = client_as(member)
    url = reverse("accounts:email_verification_resend")
    for _ in range(3):
        client.post(url)
    response = client.post(url, follow=True)
    assert "Trois liens vous ont déjà été envoyés" in response.content.decode()
    run_tasks()
    assert len(mail.outbox) == 3
