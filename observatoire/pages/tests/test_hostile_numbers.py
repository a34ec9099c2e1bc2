"""Numbers that are not numbers (issue 8, point 10): « ² », « ① », « ⁰ » pass ``str.isdigit()``
and fail ``int()``; « ١٢ » passes ``int()``; 99999999999999999999999 overflows SQLite. Every
place that reads a number from a request answers a normal page, a 404 or a form error: never a
500."""

import pytest
from django.urls import reverse

from observatoire.community.tests.factories import make_comment
from observatoire.lib.identifiers import validate_siren
from observatoire.lib.numbers import MAX_ID, parse_int
from observatoire.practices.tests.factories import make_practice

NOT_NUMBERS = ["²²²²", "①", "⁰", "١٢", "٢٠٢٤", "-1", "+3", "1_000", "1.5", "", " ", "x"]
TOO_BIG = ["99999999999999999999999", str(MAX_ID + 1)]


@pytest.mark.parametrize("value", NOT_NUMBERS + TOO_BIG)
def test_parse_int_takes_ascii_digits_in_range_only(value):
    assert parse_int(value) is None


def test_parse_int_reads_plain_numbers():
    assert parse_int("42") == 42
    assert parse_int(" 7 ") == 7
    assert parse_int("0") == 0
    assert parse_int(str(MAX_ID)) == MAX_ID
    assert parse_int("12", maximum=10) is None
    assert parse_int("2", minimum=3) is None
    assert parse_int(None) is None
    assert parse_int(12) is None  # only text comes from a request


@pytest.mark.parametrize("siren", ["²²²²²²²²²", "١٢٣٤٥٦٧٨٢", "①②③④⑤⑥⑦⑧⑨"])
def test_a_siren_of_other_digits_is_a_format_error(siren):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        validate_siren(siren)
    assert raised.value.code == "siren_format"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²²²²", "①①①①", "٢٠٢٤", "99999999999999999999999"])
def test_year_facet_ignores_what_is_not_a_year(client, value):
    make_practice(title="Une pratique")
    response = client.get(reverse("practices:list"), {"annee": value}, follow=True)
    assert response.status_code == 200  # the value dropped, the list shown


@pytest.mark.django_db
@pytest.mark.parametrize("value", NOT_NUMBERS[:4] + TOO_BIG)
def test_moderation_journal_and_diff_filters(client_as, moderator, value):
    client = client_as(moderator)
    for params in ({"pratique": value}, {"par": value}, {"pratique": value, "par": value}):
        assert client.get(reverse("moderation:journal"), params).status_code == 200
    practice = make_practice(title="Pratique publiée")
    diff = reverse("practices:diff", args=[practice.slug])
    assert client.get(diff, {"a": value}).status_code == 404
    assert client.get(diff, {"a": "1", "de": value}).status_code in (200, 404)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/moderation/99999999999999999999999/",
        "/moderation/99999999999999999999/prendre/",
        "/notifications/99999999999999999999/",
        "/commentaires/99999999999999999999/modifier/",
        "/pratiques/soumettre/documents/99999999999999999999/",
    ],
)
def test_ids_too_big_for_the_database_are_not_found(client_as, moderator, path):
    assert client_as(moderator).get(path).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("value", NOT_NUMBERS[:4] + TOO_BIG)
def test_reply_to_a_parent_that_is_not_a_number(client_as, member, value):
    practice = make_practice(title="Pratique commentée")
    make_comment(practice, member)
    response = client_as(member).post(
        reverse("community:comment_create", args=[practice.slug]),
        {"parent": value, "kind": "question", "body": "Une réponse ?"},
    )
    assert response.status_code == 404  # « Le commentaire auquel vous répondez n'existe plus. »


@pytest.mark.django_db
@pytest.mark.parametrize("value", NOT_NUMBERS[:4] + TOO_BIG)
def test_draft_form_document_ids_that_are_not_numbers(client_as, member, value):
    response = client_as(member).post(
        reverse("practices:submit"),
        {"title": "Mon brouillon", "action": "brouillon", "document_id": [value, "3"]},
    )
    assert response.status_code in (200, 302)


@pytest.mark.django_db
@pytest.mark.parametrize("value", NOT_NUMBERS[:4] + TOO_BIG)
def test_moderation_version_field(client_as, moderator, member, cooperative, value):
    from observatoire.practices.tests.test_moderation import submitted

    practice = submitted(member, cooperatives=[cooperative])
    response = client_as(moderator).post(
        reverse("moderation:take", args=[practice.pk]), {"version": value}
    )
    assert response.status_code in (200, 302, 409)
