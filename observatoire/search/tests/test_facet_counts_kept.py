"""The counts kept on write (search/facets.py): which lists have them, and a rebuild that gives
the same counts as adding up every item's contributions."""

from collections import Counter

import pytest

from observatoire.search import facets
from observatoire.search.models import FacetCount


def test_which_lists_have_their_counts_kept():
    assert facets.among({}, pairs=True) == ""
    assert facets.among({"theme": ["a"]}, pairs=False) == "theme:a"
    # Two facets: kept only for a list that keeps pairs, under its tokens in order.
    assert facets.among({"theme": ["a"], "forme": ["scop"]}, pairs=False) is None
    assert facets.among({"theme": ["a"], "forme": ["scop"]}, pairs=True) == "forme:scop theme:a"
    # Two values of one facet widen the list: counted, not kept; three facets neither.
    assert facets.among({"theme": ["a", "b"]}, pairs=True) is None
    assert facets.among({"theme": ["a"], "forme": ["scop"], "region": ["53"]}, pairs=True) is None


def test_an_item_counts_in_each_pair_of_its_facets_not_in_pairs_of_one_facet():
    counts = facets.contributions(["theme:a", "theme:b", "forme:scop"], public=False, pairs=True)
    lists = {among for _scope, among, _token in counts}
    assert lists == {
        "",
        "forme:scop",
        "theme:a",
        "theme:b",
        "forme:scop theme:a",
        "forme:scop theme:b",
    }
    assert {scope for scope, _among, _token in counts} == {"members"}
    assert counts[("members", "forme:scop theme:a", "theme:b")] == 1
    assert counts[("members", "forme:scop theme:a", facets.TOTAL)] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("pairs", [False, True])
def test_a_rebuild_gives_the_sum_of_every_items_contributions(pairs):
    items = [
        (["theme:a", "forme:scop", "region:53", "annee:2024"], True),
        (["theme:a", "theme:b", "forme:scic", "region:53"], True),
        (["theme:b", "forme:scop", "region:53", "annee:2024"], False),
        (["theme:a", "forme:scop", "annee:2023"], True),
    ]
    expected: Counter = Counter()
    for tokens, public in items:
        expected.update(facets.contributions(tokens, public=public, pairs=pairs))
    facets.rebuild_counts("essai", items, pairs=pairs)
    stored = {
        (row.scope, row.among, row.token): row.count
        for row in FacetCount.objects.filter(list_name="essai")
    }
    assert stored == dict(expected)
    assert stored.get(("public", "forme:scop region:53", facets.TOTAL)) == (1 if pairs else None)
    assert stored.get(("members", "forme:scop region:53", "annee:2024")) == (2 if pairs else None)
