"""Every view × every role: the status each role gets, checked on the server.

``MATRIX`` lists every named URL of the site (a test fails when a new URL is missing from it), the
objects its arguments point to, and the expected status for each role. 302 means « sent to sign
in » for visitors; other redirects are written ``"redirect"``. A view that only accepts POST is
checked with GET (405) here and with POST in its own tests.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import ROLES
from observatoire.practices.models import Category, Practice, Theme
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db

V, M, CA, P, MO, AD = ROLES  # visitor, member, coop_admin, permanent, moderator, administrator
EVERYONE = dict.fromkeys(ROLES, 200)
SIGNED_IN = {**EVERYONE, V: 302}
ONLY_ADMIN_SITE = {V: 302, M: 302, CA: 302, P: 302, MO: 302, AD: 200}


def walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            yield from walk(pattern.url_patterns, f"{namespace}:{inner}".strip(":"))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}".strip(":")


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
    return {
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
        values[key] = getattr(target, "slug", getattr(target, "pk", target))
    return reverse(name.split("#")[0], kwargs=values)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_it_should(client, users, name):
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
