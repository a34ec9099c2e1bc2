"""What the cache keeps, and what makes it compute again: per object, never site-wide.

Visitors' whole pages and everyone's fragments record the versions they were computed from
(lib/cache.py); these tests check, through pages a person sees, that a write renews only what
shows it, that pages carry HTTP validators, and that one computation serves many callers.
"""

import threading

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from observatoire.community.models import Adoption, Bookmark, Follow
from observatoire.community.tests.factories import make_comment
from observatoire.lib import cache as page_cache
from observatoire.lib.cache import listing_version
from observatoire.practices.models import Practice
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db
LIST = reverse("practices:list")


def queries_for(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return len(queries)


# Invalidation by object.


def test_a_comment_on_one_practice_leaves_another_practice_page_cached(client, member):
    first = make_practice(title="Première pratique")
    second = make_practice(title="Seconde pratique")  # same category: first is « related »
    client.get(second.get_absolute_url())
    assert "Première pratique" in client.get(second.get_absolute_url()).content.decode()
    make_comment(first, member, body="Un avis sur la première")
    assert queries_for(client, second.get_absolute_url()) == 0


def test_a_visitor_sees_a_new_comment_at_once(client, member):
    practice = make_practice()
    client.get(practice.get_absolute_url())
    make_comment(practice, member, body="Comment faites-vous les comptes rendus ?")
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "Comment faites-vous les comptes rendus ?" in html


def test_a_new_adoption_shows_on_the_practice_and_the_cooperative_pages(client, member):
    practice = make_practice(title="Une pratique adoptée")
    cooperative = member.cooperative
    for url in [practice.get_absolute_url(), cooperative.get_absolute_url()]:
        client.get(url)
    Adoption.objects.create(
        practice=practice, cooperative=cooperative, declared_by=member, feedback="Adoptée !"
    )
    assert "Adoptée !" in client.get(practice.get_absolute_url()).content.decode()
    assert practice.title in client.get(cooperative.get_absolute_url()).content.decode()


def test_drafts_comments_adoptions_bookmarks_and_follows_never_renew_the_lists(member):
    published = make_practice()
    before = listing_version()
    draft = make_practice(status=Practice.Status.DRAFT, title="Un brouillon")
    draft.title = "Un brouillon retouché"
    draft.save()
    draft.submit(by=member)
    make_comment(published, member)
    Adoption.objects.create(practice=published, cooperative=member.cooperative)
    Bookmark.objects.create(user=member, practice=published)
    Follow.objects.create(user=member, practice=published)
    published.results = "Un résultat précisé, que la carte ne montre pas."
    published.save()
    assert listing_version() == before


def test_a_publication_renews_the_list_but_not_other_practice_pages(client):
    shown = make_practice(title="Déjà publiée")
    client.get(LIST)
    client.get(shown.get_absolute_url())
    draft = make_practice(status=Practice.Status.DRAFT, title="Tout juste publiée")
    assert "Tout juste publiée" not in client.get(LIST).content.decode()
    draft.status = Practice.Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.save()
    assert "Tout juste publiée" in client.get(LIST).content.decode()
    assert queries_for(client, shown.get_absolute_url()) == 0


def test_editing_a_card_field_renews_the_list(client):
    practice = make_practice(title="Ancien titre")
    client.get(LIST)
    practice.title = "Nouveau titre"
    practice.save()
    html = client.get(LIST).content.decode()
    assert "Nouveau titre" in html and "Ancien titre" not in html


def test_a_deleted_practice_leaves_the_list_and_its_page(client, moderator):
    practice = make_practice(title="Bientôt à la corbeille")
    client.get(LIST)
    client.get(practice.get_absolute_url())
    practice.soft_delete(by=moderator)
    assert "Bientôt à la corbeille" not in client.get(LIST).content.decode()
    assert client.get(practice.get_absolute_url()).status_code == 404


def test_members_reuse_fragments_that_a_comment_elsewhere_does_not_touch(client, member):
    first = make_practice()
    second = make_practice()
    client.force_login(member)
    client.get(second.get_absolute_url())
    warm = queries_for(client, second.get_absolute_url())
    make_comment(first, member)
    assert queries_for(client, second.get_absolute_url()) == warm
    second.results = "Un texte changé par une révision publiée."
    second.save()
    html = client.get(second.get_absolute_url()).content.decode()
    assert "Un texte changé par une révision publiée." in html


def test_members_share_the_list_fragment_without_each_others_names(client, member, coop_admin):
    make_practice(title="Une pratique partagée")
    client.force_login(member)
    cold = queries_for(client, LIST)
    client.force_login(coop_admin)
    html = client.get(LIST).content.decode()
    assert coop_admin.full_name in html and member.full_name not in html
    assert queries_for(client, LIST) < cold


def test_signed_in_people_share_a_list_page_each_with_their_own_menu(client, member, coop_admin):
    """One member's list is kept for all: the next member reads it with their session's query
    alone, and sees their own name, notifications and form token, never the first one's."""
    make_practice(title="Une pratique réservée", visibility=Practice.Visibility.MEMBERS)
    url = LIST + "?tri=anciennes"
    client.force_login(member)
    first = client.get(url).content.decode()
    assert member.full_name in first and "Une pratique réservée" in first
    client.force_login(coop_admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    html = response.content.decode()
    assert len(queries) == 1  # the session, with the person and their unread count
    assert coop_admin.full_name in html and member.full_name not in html
    assert "Une pratique réservée" in html and "<!--personal:" not in html
    assert 'href="/pratiques/" aria-current="page"' in html  # the menu knows the page
    assert "private" in response["Cache-Control"] and not response.has_header("ETag")
    # Their own form token: signing out from the shared page works.
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(coop_admin)
    csrf_client.get(url)
    token = csrf_client.get(url).content.decode()
    token = token.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    signed_out = csrf_client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
    assert signed_out.status_code == 302
    assert "_auth_user_id" not in csrf_client.session
    # Visitors never get the members' page.
    client.logout()
    assert "Une pratique réservée" not in client.get(url).content.decode()


def test_a_member_with_a_message_waiting_gets_their_own_page(client, member, coop_admin):
    """A notice (« Brouillon enregistré. ») is one person's: their page is computed for them."""
    from observatoire.practices.tests.test_attachments import form_data

    make_practice(title="Une pratique publiée")
    client.force_login(coop_admin)
    client.get(LIST)
    client.force_login(member)
    client.get(LIST)  # the shared page, kept
    saved = client.post(reverse("practices:submit"), form_data())
    assert saved.status_code == 302
    html = client.get(LIST).content.decode()
    assert "Brouillon enregistré." in html and member.full_name in html
    assert "Brouillon enregistré." not in client.get(LIST).content.decode()  # shown once


def test_a_members_shared_page_follows_publications(client, member):
    make_practice(title="Première publiée")
    client.force_login(member)
    client.get(LIST)
    make_practice(title="Seconde publiée")
    assert "Seconde publiée" in client.get(LIST).content.decode()


# No dogpile.


def test_a_second_worker_waits_for_the_first_ones_result(monkeypatch):
    renders = []
    cache.add("unit:page:lock", 1, 30)  # another worker is computing it

    def other_worker_finishes(seconds):
        cache.set("unit:page", "computed by the other worker")

    monkeypatch.setattr(page_cache, "sleep", other_worker_finishes)
    value = page_cache.computed_once(
        "unit:page", lambda value: True, lambda: renders.append(1) or "computed here"
    )
    assert value == "computed by the other worker" and renders == []


def test_a_worker_stops_waiting_after_a_bounded_time(monkeypatch):
    waits, renders = [], []
    cache.add("unit:page:lock", 1, 30)  # held by a worker that will never answer
    monkeypatch.setattr(page_cache, "sleep", waits.append)
    value = page_cache.computed_once(
        "unit:page", lambda value: True, lambda: renders.append(1) or "computed here"
    )
    assert value == "computed here" and len(renders) == 1
    assert len(waits) == page_cache.WAIT_POLLS


def test_a_cheap_entry_is_computed_at_once_even_while_another_worker_computes_it(monkeypatch):
    waits = []
    cache.add("unit:page:lock", 1, 30)  # another worker is computing it
    monkeypatch.setattr(page_cache, "sleep", waits.append)
    value = page_cache.computed_once(
        "unit:page", lambda value: True, lambda: "computed here", entry_of=str, lock=False
    )
    assert value == "computed here" and waits == []
    assert cache.get("unit:page") == "computed here"


def test_a_practice_page_takes_no_lock_and_visitors_keep_it_once(client, member, monkeypatch):
    """A practice's page is a few milliseconds: no lock; for visitors its whole page is kept,
    not its body a second time; members' pages keep nothing (their body is stored with the
    practice, page_body.py)."""
    url = make_practice().get_absolute_url()
    added, stored = [], []
    real_add, real_set = cache.add, cache.set
    monkeypatch.setattr(
        cache, "add", lambda key, *a, **k: added.append(key) or real_add(key, *a, **k)
    )
    monkeypatch.setattr(
        cache, "set", lambda key, *a, **k: stored.append(key) or real_set(key, *a, **k)
    )

    def kinds():
        return sorted(key.split(":")[0] for key in stored if key.startswith(("page:", "fragment:")))

    assert client.get(url).status_code == 200
    assert kinds() == ["page"]
    assert client.get(url).status_code == 200  # from the cache
    assert kinds() == ["page"]
    client.force_login(member)
    assert client.get(url).status_code == 200
    assert kinds() == ["page"]
    assert not [key for key in added if key.endswith(":lock")]
    # A list still takes its lock: it is the expensive kind.
    client.logout()
    assert client.get(LIST).status_code == 200
    assert [key for key in added if key.endswith(":lock")]


def record_cache_calls(monkeypatch) -> list[str]:
    """The cache operations a request makes, each once (not those it makes of its own)."""
    calls: list[str] = []
    depth = [0]
    for name in ("get", "get_many", "set", "add", "set_many", "delete"):
        real = getattr(cache, name)

        def counted(*args, _name=name, _real=real, **kwargs):
            if not depth[0]:
                calls.append(_name)
            depth[0] += 1
            try:
                return _real(*args, **kwargs)
            finally:
                depth[0] -= 1

        monkeypatch.setattr(cache, name, counted)
    return calls


def test_a_practice_page_reads_its_versions_in_one_round_trip(client, member, monkeypatch):
    """A miss: the entry, then the tokens of everything the page shows (its body, category
    names, related practices, community) at once, then the entry stored with them; a hit:
    the entry and its tokens, no query. A member's page reads no entry and no token."""
    other = make_practice(title="Pratique voisine")
    practice = make_practice(title="Pratique lue")  # same category: ``other`` is related
    url = practice.get_absolute_url()
    calls = record_cache_calls(monkeypatch)
    assert "Pratique voisine" in client.get(url).content.decode()
    # the entry; the tokens; the missing tokens created with the entry, then the entry
    # (on Redis, the tokens missing and the entry go in one round trip: store_with_versions)
    assert calls[:2] == ["get_many", "get_many"] and calls[-1] == "set"
    assert set(calls[2:-1]) <= {"add"}
    calls.clear()
    assert queries_for(client, url) == 0
    assert calls == ["get_many", "get_many"]  # the entry, then the tokens it recorded
    client.force_login(member)
    client.get(url)
    calls.clear()
    assert "Pratique voisine" in client.get(url).content.decode()
    assert "get_many" not in calls and "set" not in calls
    make_comment(other, member, body="Ailleurs")  # renews the other's community only
    client.logout()
    assert queries_for(client, url) == 0


def test_a_list_reads_its_version_once_and_visitors_keep_only_the_page(client, member, monkeypatch):
    """The list's version is read once a request (labels, parsed query and counts share it);
    a visitor's list is kept as a whole page, not its list a second time; so is a member's,
    shared by all members with a mark where each one's menu goes."""
    make_practice(themes=["gouvernance"])

    def stored(kind: str) -> list[str]:
        kept = caches["default"]._cache  # type: ignore[attr-defined]  # the test cache: LocMem
        return [key for key in kept if f":{kind}:" in key]

    calls = record_cache_calls(monkeypatch)
    assert client.get(LIST + "?theme=gouvernance&tri=recentes").status_code == 200
    assert calls.count("get_many") == 2  # the list's version, then the page
    assert stored("fragment") == [] and stored("page")
    client.force_login(member)
    assert client.get(LIST + "?theme=gouvernance&tri=recentes").status_code == 200
    assert stored("fragment") == [] and stored("page:fr:shared-members")


def test_an_entry_read_before_a_write_is_not_kept_under_the_new_token(monkeypatch):
    """A page whose version was missing records a token of its own, created only with the
    entry: if a write renews that version meanwhile, the entry (maybe older rows) is dropped."""
    request = RequestFactory().get("/")
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    name = "practice:999"

    def render_during_a_write():
        page_cache.depends_on(request, name)
        page_cache.bump(name)  # another worker saves the practice meanwhile
        return "<p>lignes anciennes</p>"

    calls = record_cache_calls(monkeypatch)
    value = page_cache.cached_fragment(request, "unit", (), render_during_a_write, depends=())
    assert value == "<p>lignes anciennes</p>"
    assert "set" not in calls  # not stored: it could never be current
    fresh = RequestFactory().get("/")
    fresh.user = request.user
    renders = []
    page_cache.cached_fragment(
        fresh, "unit", (), lambda: renders.append(1) or "<p>à jour</p>", depends=(name,)
    )
    assert renders == [1]  # computed again: nothing was kept under the newer token


def test_two_concurrent_requests_render_a_fragment_once(monkeypatch, visitor):
    renders, results = [], {}
    started, waiting, finished = threading.Event(), threading.Event(), threading.Event()

    def slow_render():
        renders.append(1)
        started.set()
        waiting.wait(5)  # until the second request is waiting for this result
        return "<p>fragment</p>"

    def wait_for_first(seconds):
        waiting.set()
        finished.wait(5)

    monkeypatch.setattr(page_cache, "sleep", wait_for_first)
    request = RequestFactory().get("/")
    request.user = type("Anonymous", (), {"is_authenticated": False})()

    def worker(name):
        results[name] = page_cache.cached_fragment(request, "unit", (), slow_render)
        if name == "first":
            finished.set()

    first = threading.Thread(target=worker, args=("first",))
    first.start()
    started.wait(5)
    second = threading.Thread(target=worker, args=("second",))
    second.start()
    first.join(5)
    second.join(5)
    assert results == {"first": "<p>fragment</p>", "second": "<p>fragment</p>"}
    assert len(renders) == 1


# HTTP caching for reverse proxies.


@pytest.mark.parametrize("page", ["home", "list", "category", "theme", "practice", "cooperative"])
def test_visitors_pages_are_public_with_an_etag_and_answer_304(client, page):
    practice = make_practice(themes=["gouvernance"])
    url = {
        "home": reverse("pages:home"),
        "list": LIST,
        "category": practice.category.get_absolute_url(),
        "theme": reverse("practices:theme_detail", args=["gouvernance"]),
        "practice": practice.get_absolute_url(),
        "cooperative": practice.cooperatives.first().get_absolute_url(),
    }[page]
    response = client.get(url)
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    etag = response["ETag"]
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, headers={"if-none-match": '"autre"'}).status_code == 200


def test_the_etag_changes_with_what_the_page_shows(client, member):
    practice = make_practice()
    etag = client.get(practice.get_absolute_url())["ETag"]
    make_comment(practice, member)
    response = client.get(practice.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 200 and response["ETag"] != etag


def test_members_pages_are_private(client, member):
    practice = make_practice()
    client.force_login(member)
    for url in [reverse("pages:home"), LIST, practice.get_absolute_url()]:
        response = client.get(url)
        assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"] and not response.has_header("ETag")


@pytest.mark.parametrize("personal", ["form token", "cookie"])
def test_a_page_with_a_form_token_or_a_cookie_is_never_public(personal):
    def view(request):
        response = HttpResponse("<form>…</form>")
        if personal == "form token":
            get_token(request)
        else:
            response.set_cookie("preference", "1")
        return response

    wrapped = page_cache.cache_page_for_visitors(view)
    for _attempt in range(2):
        request = RequestFactory().get("/une-page/")
        response = wrapped(request)
        assert "public" not in response["Cache-Control"] and not response.has_header("ETag")
