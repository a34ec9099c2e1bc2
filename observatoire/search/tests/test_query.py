"""Reading queries: synonyms both ways, typos, word families, numbers, feminine forms."""

import pytest

from observatoire.lib.text import fold, stem
from observatoire.search.models import Synonym
from observatoire.search.query import MAX_QUERY_WORDS, parse
from observatoire.search.vocabulary import remember_words

pytestmark = pytest.mark.django_db


def alternatives(text: str) -> list[set[tuple[str, ...]]]:
    return [set(group) for group in parse(text).groups]


@pytest.mark.parametrize(
    "words",
    [
        ("formatrice", "formateur", "formatrices", "Formateurs"),
        ("trésorière", "trésorier", "TRESORIERES"),
        ("directrice", "directeur"),
        ("technicienne", "technicien"),
        ("collective", "collectif", "collectives"),
        ("quatre", "4"),
        ("dix", "10"),
    ],
)
def test_feminine_forms_and_number_words_share_a_stem(words):
    assert len({stem(fold(word)) for word in words}) == 1


def test_movement_vocabulary_is_seeded_and_large():
    terms = set(Synonym.objects.values_list("term", flat=True))
    assert len(terms) >= 80
    assert {"AG", "CSE", "QVT", "RSE", "Scop", "Scic", "CAE", "UR", "GPEC", "BEGES"} <= terms


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("AG", "assemblée générale"),
        ("cse", "comité social et économique"),
        ("QVT", "qualité de vie au travail"),
        ("RSE", "responsabilité sociétale des entreprises"),
        ("CG Scop", "confédération générale des Scop"),
    ],
)
def test_abbreviations_and_long_forms_are_one_group_both_ways(short, long):
    assert alternatives(short) == alternatives(long)
    assert len(alternatives(short)) == 1


def test_long_form_inside_a_longer_query():
    groups = alternatives("vote en comité social et économique")
    assert len(groups) == 2
    assert (stem("cse"),) in groups[1]


def test_the_longest_synonym_wins():
    groups = alternatives("assemblée générale extraordinaire")
    assert len(groups) == 1
    assert (stem("age"),) in groups[0]


def test_word_family_is_found_among_known_words():
    remember_words("La formation des nouveaux associés et la trésorerie. La direction.")
    assert (stem("formation"),) in alternatives("formatrice")[0]
    assert (stem("tresorerie"),) in alternatives("trésorière")[0]
    assert (stem("direction"),) in alternatives("directrice")[0]


def test_a_family_word_is_not_corrected_as_a_typo():
    remember_words("Un prêt de trésorerie.")
    assert parse("trésorière").suggestion == ""


def test_typos_are_corrected_inside_several_words():
    remember_words("La gouvernance partagée en assemblée générale coopérative.")
    query = parse("gouvernnace partagée cooperaitve")
    assert query.suggestion == "gouvernance partagée cooperative"
    assert alternatives("gouvernance partagee cooperative") == [set(g) for g in query.groups]


def test_transposed_letters_count_as_one_typo():
    remember_words("Une coopérative.")
    assert parse("cooperaitve").suggestion == "cooperative"


def test_short_unknown_words_are_kept():
    remember_words("Une coopérative.")
    assert parse("xyz").suggestion == ""


def test_query_is_cut_to_the_maximum_of_words():
    query = parse(" ".join(f"mot{n}" for n in range(MAX_QUERY_WORDS + 5)))
    assert query.cut
    assert len(query.groups) == MAX_QUERY_WORDS


def test_numbers_as_digits_or_words_are_the_same_query():
    assert alternatives("semaine de 4 jours") == alternatives("semaine de quatre jours")
