"""Nobody can make the server compute at will: the list's cache is keyed on what it shows,
unknown parameters are dropped by a redirect, queries are cut, and searches are rate-limited."""

import pytest
from django.urls import reverse

from observatoire.practices.listing import MAX_QUERY_WORDS
from observatoire.practices.tests.factories import make_practice
from observatoire.practices.tests.test_cache import queries_for

pytestmark = pytest.mark.django_db
LIST = reverse("practices:list")


def test_unknown_and_empty_parameters_are_dropped_by_a_redirect(client):
    response = client.get(LIST, {"q": "gouvernance", "x": "1", "utm_source": "y", "theme": ""})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?q=gouvernance"


def test_a_clean_address_is_not_redirected(client):
    make_practice(themes=["gouvernance"])
    response = client.get(LIST, {"theme": "gouvernance", "q": "gouvernance", "tri": "titre"})
    assert response.status_code == 200


def test_a_category_page_drops_junk_too(client):
    practice = make_practice()
    response = client.get(practice.category.get_absolute_url(), {"n": "1"})
    assert (
        response.status_code == 302 and response["Location"] == practice.category.get_absolute_url()
    )


def test_parameter_order_and_junk_share_one_cache_entry(client):
    make_practice(title="La gouvernance partagée", themes=["gouvernance"])
    client.get(f"{LIST}?q=gouvernance&theme=gouvernance")
    assert queries_for(client, f"{LIST}?theme=gouvernance&q=gouvernance") == 0
    redirect = client.get(f"{LIST}?theme=gouvernance&zz=9&q=gouvernance&page=")
    assert queries_for(client, redirect["Location"]) == 0


def test_members_list_fragment_is_keyed_on_the_parsed_query_not_the_address(client, member):
    make_practice(title="La gouvernance partagée", themes=["gouvernance"])
    client.force_login(member)
    cold = queries_for(client, f"{LIST}?q=gouvernance&theme=gouvernance")
    warm = queries_for(client, f"{LIST}?theme=gouvernance&q=gouvernance")
    assert warm < cold


def test_a_long_query_is_cut_and_the_page_says_so(client):
    make_practice(title="La gouvernance partagée")
    words = [f"mot{number}" for number in range(20)]
    response = client.get(LIST, {"q": " ".join(words)})
    assert response.status_code == 302
    kept = " ".join(words[:MAX_QUERY_WORDS])
    page = client.get(response["Location"])
    html = page.content.decode()
    assert f'value="{kept}"' in html and words[MAX_QUERY_WORDS] not in html
    assert f"seuls ses {MAX_QUERY_WORDS} premiers mots" in html


def test_searches_are_rate_limited_per_address_in_french(client, settings):
    settings.SEARCH_RATE_PER_MINUTE = 2
    make_practice()
    for _search in range(2):
        assert client.get(LIST, {"q": "gouvernance"}).status_code == 200
    response = client.get(LIST, {"q": "gouvernance"})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert "Trop de recherches" in html and f'href="{LIST}"' in html
    assert "public" not in response.get("Cache-Control", "")
    # The plain list stays open, and another address may still search.
    assert client.get(LIST).status_code == 200
    other = client.get(LIST, {"q": "gouvernance"}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_address_is_limited(client, settings):
    settings.SEARCH_RATE_PER_MINUTE = 1
    settings.TRUSTED_PROXY_COUNT = 1
    make_practice()
    first = {"HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    second = {"HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    assert client.get(LIST, {"q": "gouvernance"}, **first).status_code == 200
    assert client.get(LIST, {"q": "gouvernance"}, **first).status_code == 429
    assert client.get(LIST, {"q": "gouvernance"}, **second).status_code == 200
