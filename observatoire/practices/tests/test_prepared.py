"""Prepared queries (lib/prepared.py) give what the ORM gives, build their SQL once, and refuse
what they cannot prepare."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext

from observatoire.accounts.backends import user_by_pk
from observatoire.community.models import Adoption, Bookmark, Comment, Follow
from observatoire.community.templatetags.community import adoptions_of, comments_of
from observatoire.community.tests.factories import make_comment
from observatoire.lib.prepared import Prepared, attach
from observatoire.network.models import Cooperative
from observatoire.network.tests.factories import make_cooperative
from observatoire.practices.models import Practice, Theme, related_by_pk
from observatoire.practices.page_body import BODY_RELATIONS
from observatoire.practices.tests.factories import make_practice
from observatoire.practices.views import practice_by_slug, themes_read_with

pytestmark = pytest.mark.django_db


def state(obj) -> dict:
    """An instance's loaded values, and those of the objects select_related joined to it."""
    values = {k: v for k, v in obj.__dict__.items() if not k.startswith("_")}
    related = {
        name: state(other) if other is not None else None
        for name, other in obj._state.fields_cache.items()
    }
    return {"model": type(obj), "values": values, "related": related}


@pytest.fixture
def practices():
    cooperative = make_cooperative()
    public = make_practice(
        title="Le conseil coopératif", themes=["gouvernance"], cooperatives=[cooperative]
    )
    members = make_practice(
        title="Réservée",
        visibility=Practice.Visibility.MEMBERS,
        themes=["gouvernance", "parite-egalite"],
        cooperatives=[cooperative, make_cooperative()],
    )
    return public, members


def test_practice_by_slug_is_what_the_orm_finds(practices):
    public, members = practices
    for can_read_members in (False, True):
        for practice in (public, members):
            expected = list(
                Practice.objects.discoverable(can_read_members)
                .for_page()
                .select_related("category")
                .filter(slug=practice.slug)
            )
            found = practice_by_slug(can_read_members, None, practice.slug)
            names = ("has_tags", "has_links", "has_attachments", "has_adoptions", "has_comments")
            flags = [tuple(getattr(o, name) for name in names) for o in found]
            assert flags == [(False,) * len(names)] * len(expected)
            for o in found:
                for name in names:
                    delattr(o, name)
                # Its themes come with it (views.THEMES_OF_PRACTICE), as the ORM finds them.
                themes = [(t.pk, t.name, t.slug) for t in themes_read_with(o)]
                assert themes == [(t.pk, t.name, t.slug) for t in o.themes.all()]
                delattr(o, "themes_json")
            assert [state(o) for o in found] == [state(o) for o in expected]
    assert practice_by_slug(False, None, members.slug) == []  # members-only: not for visitors
    assert len(practice_by_slug(True, None, members.slug)) == 1
    assert practice_by_slug(True, None, "x' OR '1'='1") == []  # a parameter, never SQL


def test_a_persons_bookmark_and_follow_come_with_the_practice(practices, member, moderator):
    public, _members = practices
    Bookmark.objects.create(user=member, practice=public)
    Follow.objects.create(user=moderator, practice=public)
    for person, bookmarked, followed in ((member, True, False), (moderator, False, True)):
        (found,) = practice_by_slug(True, person.pk, public.slug)
        assert (found.bookmarked_by_person, found.followed_by_person) == (bookmarked, followed)
    (found,) = practice_by_slug(False, None, public.slug)
    assert not hasattr(found, "bookmarked_by_person")


def test_relations_are_what_the_orm_prefetches(practices, member):
    _public, practice = practices
    Adoption.objects.create(
        practice=practice, cooperative=practice.cooperatives.first(), declared_by=member
    )
    make_comment(practice, member)
    expected = {
        "cooperatives": list(Cooperative.objects.with_card().filter(practices=practice)),
        "themes": list(practice.themes.all()),
        "tags": list(practice.tags.all()),
        "links": list(practice.links.all()),
        "attachments": list(practice.attachments.all()),
    }
    assert len(expected["cooperatives"]) == 2 and len(expected["themes"]) == 2
    for name, query in BODY_RELATIONS.items():
        assert [state(o) for o in query(practice.pk)] == [state(o) for o in expected[name]]
    orm_adoptions = list(
        Adoption.objects.filter(practice=practice).select_related("cooperative").order_by("pk")
    )
    assert [state(o) for o in adoptions_of(practice.pk)] == [state(o) for o in orm_adoptions]
    orm_comments = list(Comment.objects.filter(practice=practice).for_thread())
    assert len(orm_comments) == 1
    assert [state(o) for o in comments_of(practice.pk)] == [state(o) for o in orm_comments]


def test_lists_of_every_length_and_an_empty_one(practices):
    public, members = practices
    pks = [members.pk, public.pk]
    expected = {o.pk: state(o) for o in related_by_pk.build(pks)}
    assert {o.pk: state(o) for o in related_by_pk(pks)} == expected
    assert [o.pk for o in related_by_pk([public.pk])] == [public.pk]
    with CaptureQueriesContext(connection) as queries:
        assert related_by_pk([]) == []
    assert len(queries) == 0  # no row can match: nothing sent


def test_values_and_a_person(practices, member):
    found = user_by_pk(member.pk)
    assert found[0].unread_notification_count == 0  # notifications' PERSON_ANNOTATIONS
    assert found[0].follows_cooperatives is False  # community's
    del found[0].unread_notification_count, found[0].follows_cooperatives
    assert [state(o) for o in found] == [state(member.__class__.objects.get(pk=member.pk))]
    counts = Prepared(
        lambda pk: (
            Theme.objects.filter(practices=pk).order_by("slug").values_list("slug", flat=True)
        )
    )
    assert counts(practices[1].pk) == ["gouvernance", "parite-egalite"]
    grouped = Prepared(
        lambda category: (
            Practice.objects.filter(category=category)
            .order_by()
            .values("category")
            .annotate(n=Count("pk"))
            .values("category", "n")
        )
    )
    category = practices[0].category_id
    assert grouped(category) == [{"category": category, "n": 2}]


def test_sql_built_once_per_shape(practices):
    public, members = practices
    built = []

    def build(slugs):
        built.append(len(slugs))
        return Practice.objects.filter(slug__in=slugs).values_list("pk", flat=True)

    query = Prepared(build)
    assert query([public.slug]) == [public.pk]
    assert query([members.slug]) == [members.pk]
    assert query(["nothing"]) == []
    assert built == [1]  # built with stand-ins once, then only run
    assert sorted(query([public.slug, members.slug])) == sorted([public.pk, members.pk])
    assert built == [1, 2]  # another length, another SQL
    with CaptureQueriesContext(connection) as queries:
        query([public.slug])
    assert len(queries) == 1


def test_what_cannot_be_prepared_is_refused():
    sliced = Prepared(lambda count: Practice.objects.all()[:count])
    with pytest.raises((ImproperlyConfigured, ValueError, AssertionError)):
        sliced(3)
    assert Prepared(lambda count: Practice.objects.all()[:count], shape=1)(3) == []
    wrapped = Prepared(lambda word: Practice.objects.filter(title__contains=word))
    with pytest.raises(ImproperlyConfigured, match="transformé"):
        wrapped("conseil")
    prefetching = Prepared(lambda pk: Practice.objects.filter(pk=pk).prefetch_related("themes"))
    with pytest.raises(ImproperlyConfigured, match="prefetch_related"):
        prefetching(1)


def test_attached_relations_need_no_query(practices):
    _public, practice = practices
    fresh = Practice.objects.get(pk=practice.pk)
    attach(fresh, "themes", BODY_RELATIONS["themes"](fresh.pk))
    with CaptureQueriesContext(connection) as queries:
        slugs = [theme.slug for theme in fresh.themes.all()]
    assert len(queries) == 0
    assert slugs == [theme.slug for theme in practice.themes.all()]


def test_facet_labels_in_one_query_are_each_reference_table_in_its_order():
    """The five reference tables a facet names, read in one query, each in its model's order
    (as the ORM lists them), whatever order the rows were written in."""
    from observatoire.network.models import Organisation, Region, Sector
    from observatoire.practices.facets import choice_labels
    from observatoire.practices.models import Category

    # Rows whose order is not the order they were written in.
    Theme.objects.filter(slug="gouvernance").update(position=99)
    last = Category.objects.last()
    assert last is not None
    Category.objects.update(position=F("position") + 1)
    Category.objects.filter(pk=last.pk).update(position=0)
    expected = {
        "categorie": list(Category.objects.values_list("slug", "name")),
        "theme": list(Theme.objects.values_list("slug", "name")),
        "secteur": list(Sector.objects.values_list("code", "name")),
        "ur": list(
            Organisation.objects.filter(kind=Organisation.Kind.UNION).values_list(
                "slug", "short_name"
            )
        ),
        "region": list(Region.objects.values_list("code", "name")),
    }
    with CaptureQueriesContext(connection) as queries:
        labels = choice_labels()
    assert len(queries) == 1
    assert {facet: list(labels[facet].items()) for facet in expected} == expected
    assert list(labels["categorie"])[0] == last.slug
    assert "gouvernance" in list(labels["theme"])[-10:]
