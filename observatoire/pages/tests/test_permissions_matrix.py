"""Every view × every role: the status each role gets, checked on the server.

``MATRIX`` lists every named URL of the site (a test fails when a new URL is missing from it), the
objects its arguments point to, and the expected status for each role. 302 means « sent to sign
in » for visitors; other redirects are written ``"redirect"``. A view that only accepts POST is
checked with GET (405) here and with POST in its own tests.
"""

import io
import secrets
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from conftest import ROLES
from observatoire.accounts.models import AccessRequest, Invitation, Role
from observatoire.accounts.signin_lock import unlock_token
from observatoire.community.models import Adoption
from observatoire.community.tests.factories import make_comment
from observatoire.network.models import Cooperative, Departement
from observatoire.network.tests.factories import make_cooperative
from observatoire.notifications.notify import notify
from observatoire.practices import moderation
from observatoire.practices.models import Attachment, Category, Practice, Theme
from observatoire.practices.tests.factories import make_practice
from observatoire.practices.versions import snapshot_of

pytestmark = pytest.mark.django_db

V, M, CA, P, MO, AD = ROLES  # visitor, member, coop_admin, permanent, moderator, administrator
EVERYONE = dict.fromkeys(ROLES, 200)
SIGNED_IN = {**EVERYONE, V: 302}
POST_ONLY = {**dict.fromkeys(ROLES, 405), V: 302}  # signed-in people only, by POST
NOT_GET = dict.fromkeys(ROLES, 405)  # POST only, checked in POST_MATRIX
NOWHERE = dict.fromkeys(ROLES, 404)
STAFF = {V: 302, M: 403, CA: 403, P: 200, MO: 200, AD: 200}
INVITERS = {**SIGNED_IN, M: 403}
ONLY_ADMIN_SITE = {V: 302, M: 302, CA: 302, P: 302, MO: 302, AD: 200}
EDITORS = {V: 302, M: 403, CA: 200, P: 200, MO: 200, AD: 200}  # of a cooperative's page
OTHER_UNION = {V: 302, M: 403, CA: 403, P: 403, MO: 403, AD: 200}


def walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            yield from walk(pattern.url_patterns, f"{namespace}:{inner}".strip(":"))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}".strip(":")


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


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
        token_hash=secrets.token_hex(32),
        expires_at=timezone.now() + timedelta(days=14),
    )
    submitted = make_practice(
        title="Une pratique soumise",
        status=Practice.Status.SUBMITTED,
        cooperatives=[member.cooperative],
    )
    submitted.author = member
    submitted.save()
    elsewhere = make_practice(
        title="Soumise dans une autre Union régionale",
        status=Practice.Status.SUBMITTED,
        cooperatives=[make_cooperative(departement=Departement.objects.get(code="35"))],
    )
    binned = make_practice(title="Une pratique à la corbeille", cooperatives=[member.cooperative])
    Practice.objects.filter(pk=binned.pk).update(deleted_at=timezone.now())
    # The first version says something else: restoring it is a change to confirm.
    first = {**snapshot_of(published), "summary": "Un résumé d'avant"}
    # Its cooperative has a logo (a PNG, as the edit form would have stored it).
    member.cooperative.logo.save("logo.png", ContentFile(png()), save=False)
    Cooperative.objects.filter(pk=member.cooperative.pk).update(logo=member.cooperative.logo.name)
    moderation.record_version(published, by=None, note="Première version", snapshot=first)
    moderation.record_version(published, by=None, note="Deuxième version")
    return {
        "submitted": submitted,
        "elsewhere": elsewhere,
        "binned": binned,
        "file_published": attach(published),
        "file_members": attach(members_only),
        "file_draft": attach(draft),
        "file_pending": attach(None, uploader=member),
        "invitation": invitation,
        "comment": make_comment(published, member),
        "adoption": Adoption.objects.create(
            practice=published, cooperative=member.cooperative, declared_by=users[CA]
        ),
        "notification": notify(member, "Une notification", "/"),
        "published": published,
        "members_only": members_only,
        "draft": draft,
        "category": Category.objects.first(),
        "theme": Theme.objects.first(),
        "cooperative": member.cooperative,
        "other_cooperative": elsewhere.cooperatives.get(),
        "unlock_token": unlock_token(member),
        "access_request": AccessRequest.objects.create(
            full_name="Alix Martin",
            email="alix@exemple.coop",
            cooperative_name="Scop des Essais",
            postal_code="69001",
            union=member.cooperative.union,
        ),
    }


# name: (kwargs from the world, expected status per role)
MATRIX = {
    "pages:home": ({}, EVERYONE),
    "pages:about": ({}, EVERYONE),
    "pages:language": ({"code": "en"}, dict.fromkeys(ROLES, "redirect")),
    "set_language": ({}, dict.fromkeys(ROLES, "redirect")),  # GET goes back; POST chooses
    "accounts:login": ({}, {**dict.fromkeys(ROLES, "redirect"), V: 200}),
    "accounts:logout": ({}, dict.fromkeys(ROLES, 405)),
    "accounts:unlock": ({"token": "unlock_token"}, EVERYONE),  # the link of an email
    "accounts:unlock#abime": ({"token": "abime"}, NOWHERE),
    "accounts:access_request": ({}, {**dict.fromkeys(ROLES, "redirect"), V: 200}),
    "accounts:access_request_done": ({"?": "ur=ur-bretagne"}, EVERYONE),
    "accounts:access_request_list": ({}, STAFF),
    "accounts:access_request_decline": ({"pk": "access_request"}, POST_ONLY),
    "practices:list": ({}, EVERYONE),
    "practices:feed": ({}, EVERYONE),
    "practices:category_list": ({}, EVERYONE),
    "practices:category_detail": ({"slug": "category"}, EVERYONE),
    "practices:theme_detail": ({"slug": "theme"}, EVERYONE),
    "practices:category_feed": ({"slug": "category"}, EVERYONE),
    "practices:theme_feed": ({"slug": "theme"}, EVERYONE),
    "practices:detail": ({"slug": "published"}, EVERYONE),
    # A visitor is invited to sign in (403, the title hidden) and comes back to it.
    "practices:detail#members": ({"slug": "members_only"}, {**EVERYONE, V: 403}),
    # A draft is seen through its preview, even by its author.
    "practices:detail#draft": ({"slug": "draft"}, dict.fromkeys(ROLES, 404)),
    "practices:submit": ({}, SIGNED_IN),
    "practices:my_contributions": ({}, SIGNED_IN),
    "practices:edit": ({"slug": "draft"}, {**dict.fromkeys(ROLES, 404), V: 302, M: 200}),
    "practices:preview": ({"slug": "draft"}, {**dict.fromkeys(ROLES, 404), V: 302, M: 200}),
    "practices:submit_draft": ({"slug": "draft"}, POST_ONLY),  # « Soumettre » on the preview
    # Suggestions of cooperatives by name: staff credit any; members their own, unasked.
    "practices:cooperative_options": ({"?": "cooperative_siren=essai"}, STAFF),
    "directory:cooperative_detail": ({"slug": "cooperative"}, EVERYONE),
    "directory:cooperative_list": ({}, EVERYONE),
    "directory:cooperative_list#near": ({"?": "pres=Lyon&rayon=50&forme=scop&q=essai"}, EVERYONE),
    "directory:cooperative_map": ({"?": "forme=scop"}, EVERYONE),
    "directory:cooperative_points": ({"?": "forme=scop"}, EVERYONE),
    # Its page kept by its administrator and the staff of its UR; another UR's, by neither.
    "directory:cooperative_edit": ({"slug": "cooperative"}, EDITORS),
    "directory:cooperative_edit#other_union": ({"slug": "other_cooperative"}, OTHER_UNION),
    "directory:cooperative_history": ({"slug": "cooperative"}, EDITORS),
    "directory:cooperative_logo": ({"slug": "cooperative"}, EVERYONE),
    "directory:duplicate_list": ({}, STAFF),
    # Without two cooperatives to merge: a French error for staff.
    "directory:duplicate_merge": ({"?": "garder=x&retirer=y"}, {**STAFF, P: 400, MO: 400, AD: 400}),
    "directory:cooperative_logo#none": ({"slug": "other_cooperative"}, NOWHERE),
    "directory:cooperative_history#other_union": ({"slug": "other_cooperative"}, OTHER_UNION),
    "directory:export_csv": ({"?": "forme=scop"}, EVERYONE),
    "directory:export_geojson": ({"?": "forme=scop&q=essai"}, EVERYONE),
    # A place no commune has: the list's message, no file.
    "directory:export_csv#unknown_place": ({"?": "pres=Nullepartville"}, dict.fromkeys(ROLES, 400)),
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
    # Notifications
    "notifications:list": ({}, SIGNED_IN),
    "notifications:open": (
        {"pk": "notification"},
        {**NOWHERE, V: 302, M: "redirect"},
    ),
    "notifications:unsubscribe": ({"token": "jeton-invalide"}, dict.fromkeys(ROLES, 400)),
    # Moderation: the queue of the person's Union régionale, fédération or the national one.
    "moderation:queue": ({}, STAFF),
    "moderation:trash": ({}, STAFF),
    "moderation:journal": ({}, STAFF),
    "moderation:review": ({"pk": "submitted"}, STAFF),
    "moderation:review#elsewhere": ({"pk": "elsewhere"}, {**STAFF, P: 404, MO: 404}),
    "moderation:take": ({"pk": "submitted"}, NOT_GET),
    "moderation:release": ({"pk": "submitted"}, NOT_GET),
    "moderation:decide": ({"pk": "submitted"}, NOT_GET),
    "moderation:note": ({"pk": "submitted"}, NOT_GET),
    "moderation:delete": ({"pk": "submitted"}, NOT_GET),
    "moderation:undelete": ({"pk": "binned"}, NOT_GET),
    # Its confirmation page, with the difference (the POST is in POST_MATRIX).
    "moderation:restore": ({"pk": "published", "number": 1}, STAFF),
    "practices:history": ({"slug": "submitted"}, {**STAFF, M: 200, CA: 404}),
    "practices:history#published": ({"slug": "published"}, {**STAFF, M: 404, CA: 404}),
    # Without the versions to compare.
    "practices:diff": ({"slug": "published"}, {**NOWHERE, V: 302}),
    "practices:diff#versions": (
        {"slug": "published", "?": "a=2&de=1"},
        {**STAFF, M: 404, CA: 404},
    ),
    "practices:delete_draft": ({"slug": "draft"}, NOT_GET),
}

# Views that change something, posted empty by each role on a fresh world: visitors are sent to
# sign in, people without the right get 403 or 404, the others get the view's answer (a redirect
# with its message, or the form again with its French errors) — never a 500.
DONE = "done"
POST_MATRIX = {
    "moderation:take": ({"pk": "submitted"}, {**STAFF, P: DONE, MO: DONE, AD: DONE}),
    "moderation:take#elsewhere": ({"pk": "elsewhere"}, {**STAFF, P: 404, MO: 404, AD: DONE}),
    "moderation:release": ({"pk": "submitted"}, {**STAFF, P: DONE, MO: DONE, AD: DONE}),
    "moderation:decide": ({"pk": "submitted"}, {**STAFF, P: DONE, MO: DONE, AD: DONE}),
    "moderation:decide#elsewhere": ({"pk": "elsewhere"}, {**STAFF, P: 404, MO: 404, AD: DONE}),
    "moderation:note": ({"pk": "submitted"}, {**STAFF, P: 400, MO: 400, AD: 400}),
    "moderation:delete": ({"pk": "submitted"}, {**STAFF, P: DONE, MO: DONE, AD: DONE}),
    "moderation:undelete": ({"pk": "binned"}, {**STAFF, P: DONE, MO: DONE, AD: DONE}),
    "moderation:restore": (
        {"pk": "published", "number": 1},
        {**STAFF, P: DONE, MO: DONE, AD: DONE},
    ),
    "practices:delete_draft": ({"slug": "draft"}, {**NOWHERE, V: 302, M: DONE}),
    # Posted empty: nothing changes (every field may be empty), back to its page.
    "directory:cooperative_edit": (
        {"slug": "cooperative"},
        {V: 302, M: 403, CA: DONE, P: DONE, MO: DONE, AD: DONE},
    ),
    "directory:cooperative_edit#other_union": (
        {"slug": "other_cooperative"},
        {**OTHER_UNION, AD: DONE},
    ),
    "practices:submit_draft": ({"slug": "draft"}, {**NOWHERE, V: 302, M: DONE}),
    # Posted empty: which two to merge is missing, said in French to staff.
    "directory:duplicate_merge": ({}, {**STAFF, P: 400, MO: 400, AD: 400}),
    # Posted empty: the form comes back with its French error.
    "community:comment_create": ({"slug": "published"}, {**dict.fromkeys(ROLES, 400), V: 302}),
    "community:comment_hide": ({"pk": "comment"}, {**STAFF, P: 200, MO: 200, AD: 200}),
    "community:comment_unhide": ({"pk": "comment"}, {**STAFF, P: DONE, MO: DONE, AD: DONE}),
    "community:bookmark_toggle": ({"slug": "published"}, {**dict.fromkeys(ROLES, DONE), V: 302}),
    "community:follow_toggle": (
        {"kind": "categorie", "pk": "category"},
        {**dict.fromkeys(ROLES, DONE), V: 302},
    ),
    "community:adoption_withdraw": (
        {"slug": "published"},
        {V: 302, M: DONE, CA: DONE, P: 403, MO: 403, AD: 403},
    ),
    # Invitations are managed by the person who sent them, and by administrators.
    "accounts:invitation_resend": (
        {"pk": "invitation"},
        {V: 302, M: 403, CA: DONE, P: 404, MO: 404, AD: DONE},
    ),
    "accounts:invitation_revoke": (
        {"pk": "invitation"},
        {V: 302, M: 403, CA: DONE, P: 404, MO: 404, AD: DONE},
    ),
    "accounts:logout": ({}, dict.fromkeys(ROLES, DONE)),
    # Lets this browser in, then sends it to sign in (someone signed in: home).
    "accounts:unlock": ({"token": "unlock_token"}, {**dict.fromkeys(ROLES, DONE), V: 302}),
    # Answered by the staff of the Union régionale it was routed to (and administrators).
    "accounts:access_request_decline": (
        {"pk": "access_request"},
        {**STAFF, P: DONE, MO: DONE, AD: DONE},
    ),
    "accounts:email_verification_resend": ({}, {**dict.fromkeys(ROLES, DONE), V: 302}),
    "oidc_logout": ({}, dict.fromkeys(ROLES, DONE)),  # signs out here, like /deconnexion/
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
    kwargs = dict(kwargs)
    query = kwargs.pop("?", "")
    for key, value in kwargs.items():
        target = world.get(value, value)
        if key == "slug":
            values[key] = getattr(target, "slug", target)
        else:
            values[key] = getattr(target, "pk", target)
    url = reverse(name.split("#")[0], kwargs=values)
    return f"{url}?{query}" if query else url


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


def check(response, wanted, role: str, url: str) -> None:
    got = response.status_code
    location = response.get("Location", "")
    signing_in = got == 302 and reverse("accounts:login") in location
    if wanted == DONE:
        assert got in (200, 302, 303) and not signing_in, f"{role} on {url}: {got} {location}"
    elif wanted == 302:
        assert signing_in, f"{role} on {url}: {got} {location}"
    else:
        assert got == wanted, f"{role} on {url}: got {got}, expected {wanted}"


def test_every_view_that_only_takes_post_is_in_the_post_matrix():
    get_only_405 = {
        name for name, (_kwargs, expected) in MATRIX.items() if expected in (NOT_GET, POST_ONLY)
    }
    posted = {name.split("#")[0] for name in POST_MATRIX}
    assert get_only_405 - posted == set()


@pytest.mark.parametrize("name", sorted(POST_MATRIX))
def test_each_role_posting_gets_what_it_should(client, users, name, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    kwargs, expected = POST_MATRIX[name]
    for role in ROLES:
        world = build_world(users)  # fresh: a post by one role changes what the next sees
        url = resolve(name, kwargs, world)
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        check(client.post(url), expected[role], role, url)


GARBAGE = "page=abc&etat=zzz&pratique=x&personne=%00&a=-1&de=abc&q=%ff&kind=<b>&next=//evil.example"


def test_garbage_parameters_never_give_a_500(client, users, settings, tmp_path):
    """Every view, every role, by GET and POST, with nonsense in the query string."""
    settings.MEDIA_ROOT = tmp_path
    world = build_world(users)
    failures = []
    for name, (kwargs, _expected) in MATRIX.items():
        url = resolve(name, kwargs, world)
        url += ("&" if "?" in url else "?") + GARBAGE
        for role in ROLES:
            client.logout()
            if users[role] is not None:
                client.force_login(users[role])
            for method in (client.get, client.post):
                status = method(url).status_code
                if status >= 500:
                    failures.append(f"{role} {method.__name__} {url}: {status}")
    assert failures == []
