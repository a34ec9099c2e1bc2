"""A list's cards and facet links, formatted in Python (list_markup): the templates' HTML."""

import re

import pytest
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from observatoire.network.models import Cooperative, Departement
from observatoire.network.tests.factories import make_cooperative
from observatoire.practices.list_markup import _count_formatter
from observatoire.practices.models import Practice
from observatoire.practices.tests.factories import make_practice

CARD = re.compile(r'<article class="card practice-card">.*?</article>', re.DOTALL)


def same_html(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_facet_counts_are_written_as_intcomma_writes_them(language):
    with translation.override(language):
        count_text = _count_formatter()
        for count in (0, 7, 999, 1_000, 12_345, 1_234_567):
            assert count_text(count) == intcomma(count)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_list_card_is_the_card_of_includes_practice_card(client_as, member, language):
    """includes/listing.html repeats the markup of includes/practice_card.html (which the home
    page shows): the two must not drift apart."""
    weavers = make_cooperative(name="Les <Tisserands> & « Cie »", family=Cooperative.Family.SCIC)
    other = make_cooperative(departement=Departement.objects.get(code="35"))
    make_practice(
        title="L'assemblée des <tisserands> & co",
        summary=" ".join(f"mot{number}" for number in range(60)),
        visibility=Practice.Visibility.MEMBERS,
        cooperatives=[weavers, other],
        themes=["gouvernance", "parite-egalite"],
    )
    client = client_as(member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("practices:list"))
    [card] = CARD.findall(response.content.decode())
    with translation.override(language):
        expected = render_to_string(
            "includes/practice_card.html", {"practice": Practice.objects.for_list().get()}
        )
    assert same_html(card) == same_html(expected)
