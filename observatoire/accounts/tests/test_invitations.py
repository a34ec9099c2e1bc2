"""Invitations: who may invite whom (forged POSTs included), the email and its link, acceptance,
and every way a link can no longer work."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from observatoire.accounts.models import Invitation, Role, User
from observatoire.accounts.tests.factories import make_user
from observatoire.network.models import Departement, Organisation
from observatoire.network.tests.factories import make_cooperative

pytestmark = pytest.mark.django_db
PASSWORD = "un-mot-de-passe-solide"


def invite(client, **fields):
    data = {"email": "nouvelle@exemple.coop", "full_name": "", "role": Role.MEMBER, **fields}
    data = {
        key: ("" if value is None else getattr(value, "pk", value)) for key, value in data.items()
    }
    return client.post(reverse("accounts:invitation_create"), data)


@pytest.fixture
def elsewhere(db):
    """A cooperative of another Union régionale than the personas'."""
    lyon = Departement.objects.get(code="69")
    return make_cooperative(departement=Departement.objects.exclude(union=lyon.union).first())


@pytest.fixture
def federation(db):
    return Organisation.objects.filter(kind=Organisation.Kind.FEDERATION).first()


def test_the_persona_unions_differ(cooperative, elsewhere):
    assert cooperative.union_id != elsewhere.union_id


# Who may invite whom
def test_a_member_may_not_invite(client_as, member):
    client = client_as(member)
    assert client.get(reverse("accounts:invitation_create")).status_code == 403
    assert invite(client, cooperative=member.cooperative).status_code == 403
    assert client.get(reverse("accounts:invitation_list")).status_code == 403
    assert not Invitation.objects.exists()


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("accounts:invitation_create"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_cooperative_admin_invites_into_their_own_cooperative(client_as, coop_admin):
    client = client_as(coop_admin)
    page = client.get(reverse("accounts:invitation_create")).content.decode()
    assert 'value="permanent"' not in page and 'name="organisation"' not in page
    response = invite(client, role=Role.COOPERATIVE_ADMIN, cooperative=coop_admin.cooperative)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.cooperative, invitation.invited_by) == (
        Role.COOPERATIVE_ADMIN,
        coop_admin.cooperative,
        coop_admin,
    )
    assert invitation.expires_at - invitation.sent_at == timedelta(days=14)


@pytest.mark.parametrize(
    "forged",
    [
        {"role": Role.PERMANENT},
        {"role": Role.MODERATOR},
        {"role": Role.ADMINISTRATOR},
        {"role": Role.MEMBER, "cooperative": "elsewhere"},
    ],
)
def test_a_cooperative_admin_cannot_forge_a_wider_invitation(
    client_as, coop_admin, elsewhere, forged
):
    fields = {**forged}
    if fields.get("cooperative") == "elsewhere":
        fields["cooperative"] = elsewhere
    fields.setdefault("cooperative", coop_admin.cooperative)
    fields["organisation"] = coop_admin.cooperative.union
    response = invite(client_as(coop_admin), **fields)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_permanent_invites_in_their_union_and_federation_and_colleagues(
    client_as, permanent, cooperative, elsewhere, federation
):
    client = client_as(permanent)
    assert invite(client, email="a@exemple.coop", cooperative=cooperative).status_code == 302
    assert (
        invite(
            client, email="b@exemple.coop", role=Role.PERMANENT, organisation=permanent.organisation
        ).status_code
        == 302
    )
    # A cooperative of the federation the permanent works for, wherever it is.
    fed_permanent = make_user(role=Role.PERMANENT, organisation=federation)
    elsewhere.federation = federation
    elsewhere.save()
    client = client_as(fed_permanent)
    assert invite(client, email="c@exemple.coop", cooperative=elsewhere).status_code == 302
    assert set(Invitation.objects.values_list("email", flat=True)) == {
        "a@exemple.coop",
        "b@exemple.coop",
        "c@exemple.coop",
    }


@pytest.mark.parametrize(
    "forged",
    [
        {"role": Role.MEMBER, "cooperative": "elsewhere"},
        {"role": Role.MODERATOR, "organisation": "own"},
        {"role": Role.ADMINISTRATOR},
        {"role": Role.PERMANENT, "organisation": "other"},
    ],
)
def test_a_permanent_cannot_forge_beyond_their_organisation(
    client_as, permanent, elsewhere, forged
):
    fields = dict(forged)
    if fields.get("cooperative") == "elsewhere":
        fields["cooperative"] = elsewhere
    if fields.get("organisation") == "own":
        fields["organisation"] = permanent.organisation
    if fields.get("organisation") == "other":
        fields["organisation"] = elsewhere.union
    response = invite(client_as(permanent), **fields)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_administrator_invites_anyone_with_any_role(client_as, administrator, elsewhere):
    client = client_as(administrator)
    assert invite(client, email="a@exemple.coop", cooperative=elsewhere).status_code == 302
    assert (
        invite(
            client, email="b@exemple.coop", role=Role.MODERATOR, organisation=elsewhere.union
        ).status_code
        == 302
    )
    assert invite(client, email="c@exemple.coop", role=Role.ADMINISTRATOR).status_code == 302
    admin_invitation = Invitation.objects.get(email="c@exemple.coop")
    assert admin_invitation.cooperative is None and admin_invitation.organisation is None


def test_a_cooperative_role_needs_a_cooperative(client_as, administrator):
    response = invite(client_as(administrator), role=Role.MEMBER)
    assert "Choisissez la coopérative de cette personne." in response.content.decode()
    assert not Invitation.objects.exists()


def test_inviting_an_existing_account_says_so_in_french(client_as, coop_admin, member):
    response = invite(
        client_as(coop_admin), email=member.email.upper(), cooperative=member.cooperative
    )
    assert response.status_code == 200
    assert "déjà un compte" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_bad_address_is_refused_and_what_was_typed_is_kept(client_as, coop_admin):
    response = invite(
        client_as(coop_admin),
        email="pas-une-adresse",
        full_name="Camille Martin",
        cooperative=coop_admin.cooperative,
    )
    page = response.content.decode()
    assert "Saisissez une adresse électronique valide" in page
    assert 'value="Camille Martin"' in page


# The email and its link
def accept_link(message) -> str:
    match = re.search(r"https?://\S+/invitation/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def test_the_invitation_email_and_its_link_create_the_account(
    client_as, client, coop_admin, run_tasks
):
    invite(client_as(coop_admin), full_name="Camille Martin", cooperative=coop_admin.cooperative)
    client.logout()
    run_tasks()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@exemple.coop"]
    assert "invitation" in message.subject.lower()
    assert "Bonjour Camille Martin" in message.body
    assert coop_admin.full_name in message.body
    assert coop_admin.cooperative.name in message.body
    link = accept_link(message)
    assert link.startswith("http://127.0.0.1:8000/invitation/")
    path = link.removeprefix("http://127.0.0.1:8000")

    page = client.get(path)
    assert page.status_code == 200
    assert 'value="Camille Martin"' in page.content.decode()
    response = client.post(
        path,
        {
            "full_name": "Camille  Martin",
            "password1": "des-mots-bien-longs",
            "password2": "des-mots-bien-longs",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@exemple.coop")
    assert user.full_name == "Camille Martin"
    assert (user.role, user.cooperative) == (Role.MEMBER, coop_admin.cooperative)
    assert user.email_verified_at is not None
    assert user.check_password("des-mots-bien-longs")
    # Signed in at once.
    assert client.get(reverse("accounts:profile")).status_code == 200
    invitation = Invitation.objects.get()
    assert invitation.accepted_at is not None and invitation.account == user
    # The link is used: a clear French page, not a 500.
    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert "déjà un compte" in again.content.decode()


def test_the_token_is_not_stored_in_clear(client_as, coop_admin, run_tasks):
    invite(client_as(coop_admin), cooperative=coop_admin.cooperative)
    run_tasks()
    token = accept_link(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64


def make_invitation(inviter, **fields) -> tuple[Invitation, str]:
    invitation = Invitation(
        email=fields.pop("email", "invitee@exemple.coop"),
        role=Role.MEMBER,
        cooperative=inviter.cooperative,
        invited_by=inviter,
        **fields,
    )
    token = invitation.new_token()
    invitation.save()
    return invitation, token


def test_password_rules_apply_in_french(client, coop_admin):
    _invitation, token = make_invitation(coop_admin)
    url = reverse("accounts:invitation_accept", args=[token])
    short = client.post(url, {"full_name": "Alex", "password1": "court", "password2": "court"})
    assert "Ce mot de passe est trop court" in short.content.decode()
    different = client.post(
        url,
        {"full_name": "Alex", "password1": "des-mots-bien-longs", "password2": "autre-chose-long"},
    )
    assert "ne sont pas identiques" in different.content.decode()
    assert 'value="Alex"' in different.content.decode()
    assert not User.objects.filter(email="invitee@exemple.coop").exists()


def test_the_honeypot_stops_robots(client, coop_admin):
    _invitation, token = make_invitation(coop_admin)
    response = client.post(
        reverse("accounts:invitation_accept", args=[token]),
        {
            "full_name": "Robot",
            "password1": "des-mots-bien-longs",
            "password2": "des-mots-bien-longs",
            "site_web": "http://spam.example",
        },
    )
    assert response.status_code == 200
    assert "rempli par un robot" in response.content.decode()
    assert not User.objects.filter(email="invitee@exemple.coop").exists()


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, 410, "a expiré"),
        ({"revoked_at": timezone.now()}, 410, "annulée"),
    ],
)
def test_expired_and_revoked_links_get_a_clear_page(client, coop_admin, change, status, words):
    invitation, token = make_invitation(coop_admin)
    Invitation.objects.filter(pk=invitation.pk).update(**change)
    url = reverse("accounts:invitation_accept", args=[token])
    for response in (
        client.get(url),
        client.post(url, {"full_name": "A", "password1": "x", "password2": "x"}),
    ):
        assert response.status_code == status
        assert words in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


def test_an_unknown_link_gets_a_clear_page(client):
    response = client.get(reverse("accounts:invitation_accept", args=["nimporte-quoi"]))
    assert response.status_code == 404
    assert "invitation inconnu" in response.content.decode()


def test_a_link_for_an_address_that_now_has_an_account(client, coop_admin):
    invitation, token = make_invitation(coop_admin)
    make_user(email=invitation.email, cooperative=coop_admin.cooperative)
    response = client.get(reverse("accounts:invitation_accept", args=[token]))
    assert response.status_code == 410
    assert "Un compte existe déjà" in response.content.decode()


# « Invitations envoyées »: resend, revoke
def test_the_list_shows_each_state_without_n_plus_one(client_as, coop_admin):
    client = client_as(coop_admin)
    pending, _ = make_invitation(coop_admin, email="attente@exemple.coop")
    expired, _ = make_invitation(coop_admin, email="expiree@exemple.coop")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    accepted, _ = make_invitation(coop_admin, email="acceptee@exemple.coop")
    Invitation.objects.filter(pk=accepted.pk).update(accepted_at=timezone.now())
    other = make_user(role=Role.COOPERATIVE_ADMIN, cooperative=coop_admin.cooperative)
    make_invitation(other, email="pas-a-moi@exemple.coop")

    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("accounts:invitation_list")).content.decode()
    for number in range(10):
        make_invitation(coop_admin, email=f"encore{number}@exemple.coop")
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("accounts:invitation_list"))
    assert len(more) == len(few)

    assert "en attente" in page and "expirée" in page and "acceptée" in page
    assert "pas-a-moi@exemple.coop" not in page
    assert "attente@exemple.coop" in page


def test_resend_gives_a_new_link_and_the_old_one_dies(client_as, client, coop_admin, run_tasks):
    invitation, old_token = make_invitation(coop_admin)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    response = client_as(coop_admin).post(
        reverse("accounts:invitation_resend", args=[invitation.pk])
    )
    assert response.status_code == 302
    run_tasks()
    new_link = accept_link(mail.outbox[-1])
    invitation.refresh_from_db()
    assert invitation.is_pending
    client.logout()
    assert client.get(reverse("accounts:invitation_accept", args=[old_token])).status_code == 404
    assert client.get(new_link.removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_revoke_kills_the_link(client_as, client, coop_admin):
    invitation, token = make_invitation(coop_admin)
    client_as(coop_admin).post(reverse("accounts:invitation_revoke", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    client.logout()
    assert client.get(reverse("accounts:invitation_accept", args=[token])).status_code == 410


def test_nobody_resends_or_revokes_another_persons_invitation(client_as, coop_admin, permanent):
    invitation, _ = make_invitation(coop_admin)
    client = client_as(permanent)
    assert (
        client.post(reverse("accounts:invitation_revoke", args=[invitation.pk])).status_code == 404
    )
    assert (
        client.post(reverse("accounts:invitation_resend", args=[invitation.pk])).status_code == 404
    )
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_resend_and_revoke_only_accept_post(client_as, coop_admin):
    invitation, _ = make_invitation(coop_admin)
    client = client_as(coop_admin)
    assert (
        client.get(reverse("accounts:invitation_revoke", args=[invitation.pk])).status_code == 405
    )
    assert (
        client.get(reverse("accounts:invitation_resend", args=[invitation.pk])).status_code == 405
    )


def test_an_accepted_invitation_can_be_neither_resent_nor_revoked(client_as, coop_admin):
    invitation, _ = make_invitation(coop_admin)
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    client = client_as(coop_admin)
    client.post(reverse("accounts:invitation_revoke", args=[invitation.pk]))
    response = client.post(reverse("accounts:invitation_resend", args=[invitation.pk]), follow=True)
    assert "rien à renvoyer" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_invitations_are_limited_per_day(client_as, coop_admin, monkeypatch):
    monkeypatch.setattr("observatoire.accounts.views.INVITATIONS_PER_DAY", 2)
    client = client_as(coop_admin)
    for number in range(2):
        response = invite(
            client, email=f"p{number}@exemple.coop", cooperative=coop_admin.cooperative
        )
        assert response.status_code == 302
    refused = invite(client, email="p3@exemple.coop", cooperative=coop_admin.cooperative)
    assert refused.status_code == 200
    assert "Vous avez atteint la limite de 2 envois par jour" in refused.content.decode()
    assert 'value="p3@exemple.coop"' in refused.content.decode()
    assert Invitation.objects.count() == 2


# The rule itself, role by role (the forms and views rely on it).
@pytest.mark.parametrize(
    ("inviter", "role", "where", "allowed"),
    [
        ("member", Role.MEMBER, "own", False),
        ("coop_admin", Role.MEMBER, "own", True),
        ("coop_admin", Role.COOPERATIVE_ADMIN, "own", True),
        ("coop_admin", Role.MEMBER, "elsewhere", False),
        ("coop_admin", Role.PERMANENT, "union", False),
        ("permanent", Role.MEMBER, "own", True),
        ("permanent", Role.COOPERATIVE_ADMIN, "own", True),
        ("permanent", Role.MEMBER, "elsewhere", False),
        ("permanent", Role.PERMANENT, "union", True),
        ("permanent", Role.PERMANENT, "other union", False),
        ("permanent", Role.MODERATOR, "union", False),
        ("permanent", Role.ADMINISTRATOR, None, False),
        ("moderator", Role.MEMBER, "own", True),
        ("moderator", Role.PERMANENT, "union", True),
        ("moderator", Role.MODERATOR, "union", False),
        ("administrator", Role.MEMBER, "elsewhere", True),
        ("administrator", Role.MODERATOR, "other union", True),
        ("administrator", Role.ADMINISTRATOR, None, True),
        ("administrator", Role.MEMBER, None, False),  # a member belongs to a cooperative
        ("administrator", Role.PERMANENT, None, False),  # a permanent, to an organisation
    ],
)
def test_who_may_invite_whom(request, cooperative, elsewhere, inviter, role, where, allowed):
    user = request.getfixturevalue(inviter)
    cooperatives = {"own": cooperative, "elsewhere": elsewhere}
    organisations = {"union": cooperative.union, "other union": elsewhere.union}
    assert (
        user.can_invite(
            role=role, cooperative=cooperatives.get(where), organisation=organisations.get(where)
        )
        is allowed
    )
