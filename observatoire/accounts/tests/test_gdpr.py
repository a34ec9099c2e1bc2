"""GDPR: « Mes données » (page and JSON download) and account deletion."""

import json
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import capfirst

from observatoire.accounts import personal_data
from observatoire.accounts.models import Invitation, Role, User
from observatoire.practices.models import Attachment, Practice
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db
PASSWORD = "un-mot-de-passe-solide"


def authored(user, **fields) -> Practice:
    practice = make_practice(cooperatives=[user.cooperative], **fields)
    practice.author = user
    practice.save()
    return practice


def test_my_data_lists_the_profile_and_every_registered_source(client_as, member):
    authored(member, title="Nos cercles de décision", status=Practice.Status.DRAFT)
    page = client_as(member).get(reverse("accounts:my_data"))
    assert page.status_code == 200
    html = page.content.decode()
    assert member.email in html and member.full_name in html
    assert "Nos cercles de décision" in html and "brouillon" in html
    for source in personal_data.sources():
        title = escape(capfirst(source.title))
        assert f"<h2>{title}</h2>" in html, source.key


def test_my_data_needs_sign_in(client):
    for name in ("accounts:my_data", "accounts:my_data_download", "accounts:account_delete"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_json_download_holds_what_the_page_shows(client_as, coop_admin):
    practice = authored(coop_admin, title="Partage de la valeur")
    Invitation.objects.create(
        email="invitee@exemple.coop",
        role=Role.MEMBER,
        cooperative=coop_admin.cooperative,
        invited_by=coop_admin,
        token_hash="0" * 64,
        expires_at=practice.created_at,
    )
    response = client_as(coop_admin).get(reverse("accounts:my_data_download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="mes-donnees-')
    data = json.loads(response.content)
    assert data["compte"]["adresse électronique"] == coop_admin.email
    assert data["compte"]["rôle"] == "administrateur·rice de coopérative"
    assert data["compte"]["coopérative"] == coop_admin.cooperative.name
    assert "pbkdf2" not in response.content.decode() and "md5" not in response.content.decode()
    assert [p["titre"] for p in data["pratiques"]] == ["Partage de la valeur"]
    assert data["pratiques"][0]["état"] == "publiée"
    assert data["pratiques"][0]["publiée le"].startswith(str(practice.published_at.year))
    assert data["invitations"]["envoyées"][0]["adresse"] == "invitee@exemple.coop"
    assert set(personal_data.export_for(coop_admin)) <= set(data)


def test_deletion_keeps_practices_without_a_name(client_as, client, member, moderator):
    practice = authored(
        member,
        title="Une pratique qui reste",
        contact_name=member.full_name,
        contact_email=member.email.upper(),
    )
    invitation = Invitation.objects.create(
        email="quelquun@exemple.coop",
        role=Role.MEMBER,
        cooperative=member.cooperative,
        invited_by=member,
        token_hash="1" * 64,
        expires_at=practice.created_at,
    )
    email, name = member.email, member.full_name
    client = client_as(member)
    response = client.post(reverse("accounts:account_delete"), {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("pages:home")
    assert "Votre compte est supprimé" in response.content.decode()
    assert not User.objects.filter(email=email).exists()

    practice.refresh_from_db()
    assert practice.author is None
    assert (practice.contact_name, practice.contact_email) == ("", "")
    invitation.refresh_from_db()
    assert invitation.invited_by is None

    # Signed out, and no way back in.
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert not client.login(username=email, password=PASSWORD)
    failed = client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})
    assert "incorrect" in failed.content.decode()

    # Pages that showed the practice still work, without the name.
    for viewer in (None, moderator):
        client.logout()
        if viewer:
            client.force_login(viewer)
        page = client.get(practice.get_absolute_url())
        assert page.status_code == 200
        assert name not in page.content.decode()
        assert client.get(reverse("practices:list")).status_code == 200


def test_deletion_needs_the_right_password(client_as, member):
    response = client_as(member).post(reverse("accounts:account_delete"), {"password": "faux"})
    assert response.status_code == 200
    assert "rien n&#x27;a été supprimé" in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()


def test_a_single_sign_on_account_types_a_confirmation(client_as, member):
    member.set_unusable_password()
    member.save()
    client = client_as(member)
    page = client.get(reverse("accounts:account_delete")).content.decode()
    assert "Tapez SUPPRIMER" in page and 'name="password"' not in page
    wrong = client.post(reverse("accounts:account_delete"), {"confirmation": "oui"})
    assert "rien n&#x27;a été supprimé" in wrong.content.decode()
    assert User.objects.filter(pk=member.pk).exists()
    client.post(reverse("accounts:account_delete"), {"confirmation": "supprimer"})
    assert not User.objects.filter(pk=member.pk).exists()


def test_deletion_only_accepts_a_post_to_erase(client_as, member):
    client = client_as(member)
    assert client.get(reverse("accounts:account_delete")).status_code == 200
    assert User.objects.filter(pk=member.pk).exists()


def test_an_invitation_to_the_deleted_person_goes(member, coop_admin):
    Invitation.objects.create(
        email=member.email,
        role=Role.MEMBER,
        cooperative=member.cooperative,
        invited_by=coop_admin,
        token_hash="2" * 64,
        expires_at=member.date_joined,
    )
    member.erase()
    assert not Invitation.objects.filter(email=member.email).exists()
    assert User.objects.filter(pk=coop_admin.pk).exists()


def test_personal_data_can_be_other_apps(member):
    """Another app's source is exported and erased with the account (the registry's contract)."""
    erased = []
    personal_data.register(
        "essai", title="essai", export=lambda user: {"x": user.pk}, erase=erased.append
    )
    try:
        assert personal_data.export_for(member)["essai"] == {"x": member.pk}
        member.erase()
        assert erased == [member]
    finally:
        personal_data._sources.pop("essai")


def test_pages_with_the_deleted_persons_comments_still_work(client, member, moderator):
    """What other apps keep after deletion (here a comment) shows without a name, never a 500."""
    from observatoire.community.models import Comment

    practice = make_practice(title="Pratique commentée", cooperatives=[member.cooperative])
    Comment.objects.create(practice=practice, author=member, body="Un retour très utile.")
    name = member.full_name
    member.erase()
    for viewer in (None, moderator):
        client.logout()
        if viewer:
            client.force_login(viewer)
        page = client.get(practice.get_absolute_url())
        assert page.status_code == 200
        html = page.content.decode()
        assert name not in html
        if viewer:
            assert "Un retour très utile." in html


def test_uploads_are_exported_and_pending_ones_erased(member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    practice = make_practice(cooperatives=[member.cooperative])
    kept = Attachment(practice=practice, title="Le guide", uploaded_by=member, size=12)
    kept.file.save("guide.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    pending = Attachment(practice=None, title="Brouillon", uploaded_by=member, size=12)
    pending.file.save("brouillon.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    exported = personal_data.export_for(member)["documents déposés"]
    assert sorted(row["intitulé"] for row in exported) == ["Brouillon", "Le guide"]
    pending_path = pending.file.path
    personal_data.erase_for(member)
    kept.refresh_from_db()
    assert kept.uploaded_by is None and kept.practice == practice
    assert not Attachment.objects.filter(pk=pending.pk).exists()
    assert not Path(pending_path).exists()
