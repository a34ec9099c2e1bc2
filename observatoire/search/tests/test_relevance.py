"""Search relevance as people meet it: recall@10 and MRR per kind of query, on each database.

The queries and their expected practices (``relevance/``) were written before the engine was
tuned, by someone who had not read it; they are never rewritten from the engine's output. The
expected practices compete with the demo practices and 3,000 generated ones, many sharing their
words. Every query goes through the practice list as a signed-in member, as a person would.

Targets: recall@10 ≥ 0.95 and MRR ≥ 0.8 on the whole set, on SQLite and on PostgreSQL. The
report (per kind) is printed, and written to ``$RELEVANCE_REPORT_DIR/<database>.md`` when that
variable is set (``make relevance`` does, for ``relevance/RESULTS.md``). Each run also writes
its top-10 lists to ``.relevance/top10-<database>.json``; when the other database's file is
there for the same data, the two must agree (``make test`` runs SQLite, then PostgreSQL).
"""

import hashlib
import json
import os
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

from observatoire.accounts.models import Role, User
from observatoire.network.models import Cooperative
from observatoire.practices.importer import import_practices
from observatoire.practices.models import Category, Practice, Tag, Theme
from observatoire.search.models import FacetCount, Word

HERE = Path(__file__).resolve().parent / "relevance"
ROOT = Path(__file__).resolve().parents[3]
CORPUS = HERE / "corpus.json"
QUERIES = json.loads((HERE / "queries.json").read_text())
DEMO = ROOT / "observatoire" / "practices" / "fixtures" / "demo.json"
AGREEMENT_DIR = ROOT / ".relevance"
GENERATED = {"practices": 3000, "cooperatives": 400, "people": 400, "seed": 7}
TOP = 10
TARGET_RECALL = 0.95
TARGET_MRR = 0.8
SEARCHER = "chercheuse-pertinence@exemple.coop"
KINDS = [
    "exact",
    "sans_accents",
    "flexion",
    "famille",
    "abreviation",
    "fautes",
    "plusieurs_mots",
    "majuscules",
]


ENGINE = [
    *sorted((ROOT / "observatoire" / "search").glob("*.py")),
    ROOT / "observatoire" / "lib" / "text.py",
    ROOT / "observatoire" / "practices" / "search.py",
    ROOT / "observatoire" / "practices" / "indexing.py",
    ROOT / "observatoire" / "practices" / "listing.py",
    # The generated competitors: their texts name their cooperatives' communes.
    ROOT / "observatoire" / "practices" / "management" / "commands" / "generatedata.py",
]


def data_signature() -> str:
    """Changes with the queries, the corpus, the demo, the generated sizes or the engine."""
    digest = hashlib.sha256()
    for path in (HERE / "queries.json", CORPUS, DEMO, *ENGINE):
        digest.update(path.read_bytes())
    digest.update(repr(sorted(GENERATED.items())).encode())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    """Demo, test corpus and generated practices, loaded once for the module, then removed."""
    with django_db_blocker.unblock():
        import_practices(DEMO.read_bytes())
        import_practices(CORPUS.read_bytes())
        call_command(
            "generatedata",
            verbosity=0,
            **GENERATED,
        )
        yield
        User.objects.filter(email__endswith="@donnees-generees.test").delete()
        User.objects.filter(email=SEARCHER).delete()
        Practice.objects.all().delete()
        # What bulk deletes leave behind (Practice.delete() is not called): the kept counts
        # and the newest practices of each theme and category, as an empty database has them.
        FacetCount.objects.all().delete()
        Theme.objects.update(newest=None)
        Category.objects.update(newest=None)
        Word.objects.all().delete()
        Cooperative.objects.all().delete()
        Tag.objects.all().delete()


@pytest.fixture
def member_client(corpus, db):
    cooperative = Cooperative.objects.order_by("pk").first()
    user, _created = User.objects.get_or_create(
        email=SEARCHER,
        defaults={"full_name": "Chercheuse", "cooperative": cooperative, "role": Role.MEMBER},
    )
    client = Client()
    client.force_login(user)
    return client


def top_slugs(client: Client, query: str) -> list[str]:
    response = client.get("/pratiques/", {"q": query}, follow=True)
    assert response.status_code == 200, query
    return [practice.slug for practice in response.context["listing"].page.object_list][:TOP]


def report(results: dict[str, list[tuple[dict, int | None]]]) -> tuple[str, float, float]:
    lines = [
        f"Base : {connection.vendor} ; {len(QUERIES)} requêtes ; données {data_signature()}",
        "",
        "| type | requêtes | rappel@10 | MRR |",
        "|---|---:|---:|---:|",
    ]
    everything = [item for items in results.values() for item in items]
    for kind, items in [*sorted(results.items()), ("ensemble", everything)]:
        found = [rank for _case, rank in items if rank is not None]
        recall = len(found) / len(items)
        mrr = sum(1 / rank for rank in found) / len(items)
        lines.append(f"| {kind} | {len(items)} | {recall:.3f} | {mrr:.3f} |")
    total_recall = sum(rank is not None for _c, rank in everything) / len(everything)
    total_mrr = sum(1 / rank for _c, rank in everything if rank) / len(everything)
    misses = [
        f"- « {case['query']} » ({case['kind']}) → {case['expected']} : "
        + (f"rang {rank}" if rank else "absente des 10 premières")
        for case, rank in everything
        if rank != 1
    ]
    lines += ["", "Requêtes dont la pratique attendue n'est pas la première :", *misses]
    return "\n".join(lines) + "\n", total_recall, total_mrr


@pytest.mark.django_db
def test_queries_cover_every_kind():
    kinds = defaultdict(int)
    for case in QUERIES:
        kinds[case["kind"]] += 1
    assert len(QUERIES) >= 150
    for kind in KINDS:
        assert kinds[kind] >= 10, kind


@pytest.mark.django_db
@override_settings(SEARCH_RATE_PER_MINUTE=0)
def test_relevance_targets_and_agreement_between_databases(member_client):
    slugs = set(Practice.objects.values_list("slug", flat=True))
    missing = {case["expected"] for case in QUERIES} - slugs
    assert not missing, f"pratiques attendues absentes du corpus : {missing}"
    results: dict[str, list[tuple[dict, int | None]]] = defaultdict(list)
    top10: dict[str, list[str]] = {}
    for case in QUERIES:
        ranked = top_slugs(member_client, case["query"])
        top10[case["query"]] = ranked
        rank = ranked.index(case["expected"]) + 1 if case["expected"] in ranked else None
        results[case["kind"]].append((case, rank))
    text, recall, mrr = report(results)
    print(text)
    if os.environ.get("RELEVANCE_REPORT_DIR"):
        target = Path(os.environ["RELEVANCE_REPORT_DIR"]) / f"{connection.vendor}.md"
        target.write_text(text)
    AGREEMENT_DIR.mkdir(exist_ok=True)
    mine = AGREEMENT_DIR / f"top10-{connection.vendor}.json"
    mine.write_text(json.dumps({"data": data_signature(), "top10": top10}, ensure_ascii=False))
    assert recall >= TARGET_RECALL and mrr >= TARGET_MRR, text
    other = AGREEMENT_DIR / (
        "top10-sqlite.json" if connection.vendor == "postgresql" else "top10-postgresql.json"
    )
    if other.exists():
        theirs = json.loads(other.read_text())
        if theirs["data"] == data_signature():
            differ = [q for q in top10 if top10[q] != theirs["top10"].get(q)]
            assert not differ, f"top-10 différents entre les bases pour : {differ}"
