"""Search relevance on the demo practices, as people type: recall@10 must reach 0.9.

Each query of relevance_queries.json names the practice a person looks for. The test runs on
whichever database the suite uses (SQLite and PostgreSQL in CI), and the set of practices each
query matches must equal the snapshot in search_snapshot.json on both databases — which is
how we show that both give the same results. After changing the demo content or the search,
regenerate the snapshot with UPDATE_SEARCH_SNAPSHOT=1 and review the diff.
"""

import json
import os
from pathlib import Path

import pytest
from django.test import Client

from observatoire.accounts.models import User
from observatoire.network.models import Cooperative
from observatoire.practices.importer import import_practices
from observatoire.practices.models import Practice, Tag, Word

HERE = Path(__file__).resolve().parent
DEMO = HERE.parent / "fixtures" / "demo.json"
QUERIES = json.loads((HERE / "relevance_queries.json").read_text())
SNAPSHOT = HERE / "search_snapshot.json"
TOP = 10
REQUIRED_RECALL = 0.9
SEARCHER = "chercheuse@exemple.coop"


@pytest.fixture(scope="module")
def demo_practices(django_db_setup, django_db_blocker):
    """The demo content, imported once for the module and removed afterwards."""
    with django_db_blocker.unblock():
        import_practices(DEMO.read_bytes())
        yield
        User.objects.filter(email=SEARCHER).delete()
        Practice.objects.all().delete()
        Word.objects.all().delete()
        Cooperative.objects.all().delete()
        Tag.objects.all().delete()


@pytest.fixture
def client(client, demo_practices):
    """A member searches: members-only practices are part of what they should find."""
    cooperative = Cooperative.objects.order_by("pk").first()
    user, _created = User.objects.get_or_create(
        email=SEARCHER, defaults={"full_name": "Chercheuse", "cooperative": cooperative}
    )
    client.force_login(user)
    return client


def ranked_titles(client: Client, query: str) -> list[str]:
    response = client.get("/pratiques/", {"q": query})
    assert response.status_code == 200
    return [practice.title for practice in response.context["listing"].page.object_list]


def all_matches(client: Client, query: str) -> list[str]:
    response = client.get("/pratiques/", {"q": query, "tri": "titre"})
    listing = response.context["listing"]
    titles = []
    for number in listing.page.paginator.page_range:
        page = client.get("/pratiques/", {"q": query, "tri": "titre", "page": number})
        titles += [p.title for p in page.context["listing"].page.object_list]
    return sorted(titles)


def test_there_are_enough_queries():
    assert len(QUERIES) >= 30
    titles = {practice["title"] for practice in json.loads(DEMO.read_text())["practices"]}
    for case in QUERIES:
        assert case["expected"] in titles, case


@pytest.mark.django_db
def test_recall_at_10(demo_practices, client):
    misses = []
    for case in QUERIES:
        if case["expected"] not in ranked_titles(client, case["query"])[:TOP]:
            misses.append(case)
    recall = 1 - len(misses) / len(QUERIES)
    print(f"recall@{TOP} = {recall:.3f} on {len(QUERIES)} queries; misses: {misses}")
    assert recall >= REQUIRED_RECALL, misses


@pytest.mark.django_db
def test_same_matches_as_the_snapshot(demo_practices, client):
    """Both databases must match exactly the same practices for every query."""
    current = {case["query"]: all_matches(client, case["query"]) for case in QUERIES}
    if os.environ.get("UPDATE_SEARCH_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(current, ensure_ascii=False, indent=1) + "\n")
    expected = json.loads(SNAPSHOT.read_text())
    differences = {
        query: (current[query], expected.get(query))
        for query in current
        if current[query] != expected.get(query)
    }
    assert not differences
