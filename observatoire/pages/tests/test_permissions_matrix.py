"""Every view × every role: the status each role gets, checked on the server.

``MATRIX`` lists every named URL of the site (a test fails when a new URL is missing from it), the
objects its arguments point to, and the expected status for each role. 302 means « sent to sign
in » for visitors; other redirects are written ``"redirect"``. A view that only accepts POST is
checked with GET (405) here and with POST in its own tests.
"""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import ROLES
from observatoire.accounts.models import Invitation, Role
from observatoire.community.notify import notify
from observatoire.community.tests.factories import make_comment
from observatoire.practices.models import Attachment, Category, Practice, Theme
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db

V, M, CA, P, MO, AD = ROLES  # visitor, member, coop_admin, permanent, moderator, administrator
EVERYONE = dict.fromkeys(ROLES, 200)
SIGNED_IN = {**EVERYONE, V: 302}
POST_ONLY = {**dict.fromkeys(ROLES, 405), V: 302}  # signed-in people only, by POST
NOWHERE = dict.fromkeys(ROLES, 404)
STAFF = {V: 302, M: 403, CA: 403, P: 200, MO: 200, AD: 200}
INVITERS = {**SIGNED_IN, M: 403}
ONLY_ADMIN_SITE = {V: 302, M: 302, CA: 302, P: 302, MO: 302, AD: 200}


def walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            yield from walk(pattern.url_patterns, f"{namespace}:{inner}".strip(":"))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}".strip(":")


def attach(practice, uploader=None) -> Attachment:
    attachment = Attachment(
        practice=practice, title="Guide", content_type="application/pdf", uploaded_by=uploader
    )
    attachment.file.save("guide.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    return attachment


# What the URL arguments point to; built once per test by ``world``.
def build_world(users: dict) -> dict:
    member = users[M]
    published = make_practice(title="Une pratique publiée", cooperatives=[member.cooperative])
    members_only = make_practice(
        title="Une pratique réservée",
        visibility=Practice.Visibility.MEMBERS,
        cooperatives=[member.cooperative],
    )
    draft = make_practice(
        title="Un brouillon", status=Practice.Status.DRAFT, cooperatives=[member.cooperative]
    )
    draft.author = member
    draft.save()
    invitation = Invitation.objects.create(
        email="invitee@exemple.coop",
        role=Role.MEMBER,
        cooperative=member.cooperative,
        invited_by=users[CA],
        token_hash="0" * 64,
        expires_at=timezone.now() + timedelta(days=14),
    )
    return {
        "file_published": attach(published),
        "file_members": attach(members_only),
        "file_draft": attach(draft),
        "file_pending": attach(None, uploader=member),
        "invitation": invitation,
        "comment": make_comment(published, member),
        "notification": notify(member, "Une notification", "/"),
        "published": published,
        "members_only": members_only,
        "draft": draft,
        "category": Category.objects.first(),
        "theme": Theme.objects.first(),
        "cooperative": member.cooperative,
    }


# name: (kwargs from the world, expected status per role)
MATRIX = {
    "pages:home": ({}, EVERYONE),
    "pages:about": ({}, EVERYONE),
    "pages:language": ({"code": "en"}, dict.fromkeys(ROLES, "redirect")),
    "set_language": ({}, dict.fromkeys(ROLES, "redirect")),  # GET goes back; POST chooses
    "accounts:login": ({}, {**dict.fromkeys(ROLES, "redirect"), V: 200}),
    "accounts:logout": ({}, dict.fromkeys(ROLES, 405)),
    "practices:list": ({}, EVERYONE),
    "practices:feed": ({}, EVERYONE),
    "practices:category_list": ({}, EVERYONE),
    "practices:category_detail": ({"slug": "category"}, EVERYONE),
    "practices:theme_detail": ({"slug": "theme"}, EVERYONE),
    "practices:detail": ({"slug": "published"}, EVERYONE),
    "practices:detail#members": ({"slug": "members_only"}, {**EVERYONE, V: 404}),
    # A draft is seen through its preview, even by its author.
    "practices:detail#draft": ({"slug": "draft"}, dict.fromkeys(ROLES, 404)),
    "practices:submit": ({}, SIGNED_IN),
    "practices:my_contributions": ({}, SIGNED_IN),
    "practices:edit": ({"slug": "draft"}, {**dict.fromkeys(ROLES, 404), V: 302, M: 200}),
    "practices:preview": ({"slug": "draft"}, {**dict.fromkeys(ROLES, 404), V: 302, M: 200}),
    "network:cooperative_detail": ({"slug": "cooperative"}, EVERYONE),
    "practices:attachment": ({"slug": "published", "pk": "file_published"}, EVERYONE),
    "practices:attachment#members": (
        {"slug": "members_only", "pk": "file_members"},
        {**EVERYONE, V: 404},
    ),
    "practices:attachment#draft": ({"slug": "draft", "pk": "file_draft"}, {**NOWHERE, M: 200}),
    "practices:pending_attachment": ({"pk": "file_pending"}, {**NOWHERE, V: 302, M: 200}),
    # Accounts
    "accounts:invitation_list": ({}, INVITERS),
    "accounts:invitation_create": ({}, INVITERS),
    "accounts:invitation_resend": ({"pk": "invitation"}, POST_ONLY),
    "accounts:invitation_revoke": ({"pk": "invitation"}, POST_ONLY),
    "accounts:invitation_accept": ({"token": "inconnu"}, NOWHERE),
    "accounts:profile": ({}, SIGNED_IN),
    "accounts:email_change": ({}, SIGNED_IN),
    "accounts:email_verification_resend": ({}, POST_ONLY),
    "accounts:email_confirm": ({"token": "abime"}, NOWHERE),
    "accounts:my_data": ({}, SIGNED_IN),
    "accounts:my_data_download": ({}, SIGNED_IN),
    "accounts:account_delete": ({}, SIGNED_IN),
    "accounts:password_change": ({}, SIGNED_IN),
    "accounts:password_reset": ({}, EVERYONE),
    "accounts:password_reset_done": ({}, EVERYONE),
    "accounts:password_reset_confirm": ({"uidb64": "MQ", "token": "abime"}, EVERYONE),
    "accounts:password_reset_complete": ({}, EVERYONE),
    # The extranet's sign-in answers only once it is configured (accounts/tests/test_oidc.py).
    "oidc_authentication_init": ({}, NOWHERE),
    "oidc_authentication_callback": ({}, NOWHERE),
    "oidc_logout": ({}, dict.fromkeys(ROLES, 405)),  # POST only; ours is /deconnexion/
    # Community
    "community:comment_create": ({"slug": "published"}, POST_ONLY),
    "community:comment_edit": ({"pk": "comment"}, {**dict.fromkeys(ROLES, 403), V: 302, M: 200}),
    "community:comment_report": ({"pk": "comment"}, SIGNED_IN),
    "community:comment_hide": ({"pk": "comment"}, STAFF),
    "community:comment_unhide": ({"pk": "comment"}, POST_ONLY),
    "community:report_list": ({}, STAFF),
    "community:adoption_edit": (
        {"slug": "published"},
        {V: 302, M: 200, CA: 200, P: 403, MO: 403, AD: 403},
    ),
    "community:adoption_withdraw": ({"slug": "published"}, POST_ONLY),
    "community:bookmark_toggle": ({"slug": "published"}, POST_ONLY),
    "community:follow_toggle": ({"kind": "categorie", "pk": "category"}, POST_ONLY),
    "community:my_bookmarks": ({}, SIGNED_IN),
    "community:my_follows": ({}, SIGNED_IN),
    "community:notifications": ({}, SIGNED_IN),
    "community:notification_open": (
        {"pk": "notification"},
        {**NOWHERE, V: 302, M: "redirect"},
    ),
    "community:unsubscribe": ({"token": "jeton-invalide"}, dict.fromkeys(ROLES, 400)),
}


def test_every_named_url_is_in_the_matrix():
    names = {name for name in walk(get_resolver().url_patterns) if not name.startswith("admin:")}
    listed = {name.split("#")[0] for name in MATRIX}
    assert names - listed == set(), "add these views to the permission matrix"
    assert listed - names == set(), "these views no longer exist"


@pytest.fixture
def users(request):
    return {role: request.getfixturevalue(role) for role in ROLES}


def resolve(name: str, kwargs: dict, world: dict) -> str:
    values = {}
    for key, value in kwargs.items():
        target = world.get(value, value)
        if key == "slug":
            values[key] = getattr(target, "slug", target)
        else:
            values[key] = getattr(target, "pk", target)
    return reverse(name.split("#")[0], kwargs=values)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_it_should(client, users, name, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world(users)
    kwargs, expected = MATRIX[name]
    url = resolve(name, kwargs, world)
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        response = client.get(url)
        wanted = expected[role]
        got = response.status_code
        if wanted == "redirect":
            assert got in (301, 302, 303), f"{role} on {url}: {got}"
        elif wanted == 302:
            assert got == 302 and reverse("accounts:login") in response["Location"], (
                f"{role} on {url}: {got} {response.get('Location')}"
            )
        else:
            assert got == wanted, f"{role} on {url}: got {got}, expected {wanted}"


@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_enter_the_admin_site(client, users, role):
    if users[role] is not None:
        client.force_login(users[role])
    response = client.get(reverse("admin:index"))
    expected = ONLY_ADMIN_SITE[role]
    assert response.status_code == expected
