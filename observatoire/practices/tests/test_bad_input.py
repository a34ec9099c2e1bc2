"""Bad input on the discovery pages: a normal page or a clear French 400/404, never a 500."""

import pytest
from django.urls import reverse

from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db
LIST = reverse("practices:list")

HOSTILE_QUERIES = [
    '"',
    '""',
    '"gouvernance',
    "*",
    "gouv*",
    ":",
    "title:gouvernance",
    "(",
    ")",
    "((gouvernance",
    "^",
    "^gouvernance",
    "NEAR",
    "gouvernance NEAR parité",
    "NEAR(a b)",
    "OR",
    "a OR b",
    "AND",
    "NOT",
    "-",
    "-gouvernance",
    "--",
    "'",
    "';DROP TABLE practices_practice;--",
    "%",
    "_",
    "\\",
    "&",
    "|",
    "!",
    "<",
    ">",
    "{}",
    "[]",
    "search_title:x",
    "a & b | !c",
    "x:*",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "😀 coopérative",
    "\u0000",
    "\u200b",
    " ",
    "x" * 10_000,
    "gouvernance " * 2_000,
]


@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_hostile_queries_give_a_normal_page(client, q):
    make_practice(title="La gouvernance partagée")
    response = client.get(LIST, {"q": q}, follow=True)  # a cut or empty query: redirected
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "onerror=alert" not in html or "&lt;img" in html or "&quot;&gt;&lt;img" in html


def test_query_with_html_is_escaped_everywhere(client):
    make_practice(title="La gouvernance partagée")
    html = client.get(LIST, {"q": "<b>gouvernance</b>"}).content.decode()
    assert "<b>gouvernance</b>" not in html
    assert "&lt;b&gt;gouvernance&lt;/b&gt;" in html


@pytest.mark.parametrize(
    "params",
    [
        {"theme": "n-existe-pas"},
        {"categorie": "<script>"},
        {"forme": "sarlx"},
        {"effectif": "9999"},
        {"ur": ""},
        {"annee": "deux-mille"},
        {"annee": "99999999999999999"},
        {"region": "'; --"},
        {"tri": "inconnu"},
        {"tri": "-id"},
        {"inconnu": "x"},
        {"theme": ["gouvernance"] * 500},
    ],
)
def test_unknown_or_malformed_filters_are_ignored_with_a_notice(client, params):
    make_practice(title="La gouvernance partagée", themes=["gouvernance"])
    response = client.get(LIST, params, follow=True)  # redirected to the clean address
    assert response.status_code == 200
    assert "La gouvernance partagée" in response.content.decode()


def test_ignored_filter_is_named(client):
    html = client.get(LIST, {"theme": "n-existe-pas"}, follow=True).content.decode()
    assert "ont été ignorés" in html and "n-existe-pas" in html


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "999999", "9" * 50, "", "%00"])
def test_odd_page_numbers_give_a_normal_page(client, page):
    make_practice(title="Une pratique")
    response = client.get(LIST, {"page": page}, follow=True)
    assert response.status_code == 200
    assert "Une pratique" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/pratiques/n-existe-pas/",
        "/pratiques/categories/n-existe-pas/",
        "/pratiques/themes/n-existe-pas/",
        "/annuaire/n-existe-pas/",
        "/nulle-part/",
    ],
)
def test_unknown_pages_answer_a_french_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_post_on_a_read_only_page_is_refused_cleanly(client):
    response = client.post(LIST)
    assert response.status_code == 405


def test_bad_host_gets_a_french_400(client):
    response = client.get("/", HTTP_HOST="pas-chez-nous.example")
    assert response.status_code == 400
    assert "Requête incorrecte" in response.content.decode()
