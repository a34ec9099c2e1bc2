"""The admin of people and invitations keeps working for administrators."""

import pytest
from django.urls import reverse

from observatoire.accounts.models import Invitation, Role

pytestmark = pytest.mark.django_db


def test_people_and_invitations_in_the_admin(client_as, administrator, member, coop_admin):
    invitation = Invitation(email="invitee@exemple.coop", role=Role.MEMBER, invited_by=coop_admin)
    invitation.cooperative = coop_admin.cooperative
    invitation.new_token()
    invitation.save()
    client = client_as(administrator)
    pages = [
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_changelist") + "?q=personne",
        reverse("admin:accounts_user_add"),
        reverse("admin:accounts_user_change", args=[member.pk]),
        reverse("admin:accounts_invitation_changelist"),
        reverse("admin:accounts_invitation_change", args=[invitation.pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    # Invitations are made from the site, which emails the link: no bare « add » here.
    assert client.get(reverse("admin:accounts_invitation_add")).status_code == 403
    page = client.get(reverse("admin:accounts_invitation_changelist")).content.decode()
    assert "invitee@exemple.coop" in page


def test_an_administrator_changes_a_person_in_the_admin(client_as, administrator, member):
    client = client_as(administrator)
    url = reverse("admin:accounts_user_change", args=[member.pk])
    response = client.post(
        url,
        {
            "email": member.email,
            "full_name": "Nom corrigé",
            "language": "fr",
            "role": Role.MEMBER,
            "cooperative": member.cooperative_id,
            "organisation": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    member.refresh_from_db()
    assert member.full_name == "Nom corrigé"
