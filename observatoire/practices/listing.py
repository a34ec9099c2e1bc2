"""The practice list: reading filters from the URL, searching, counting facets, paginating.

Everything the list shows comes from the URL, so that any view of the list can be shared.
Unknown, empty or malformed parameters are dropped by a redirect to the clean address (with a
notice for filters), and a query is cut to its first words, so that the cache is keyed on what
the list shows (the parsed query, the filters, the sort, the page), never on the raw address.
Searches are rate-limited per address.
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache as memoized
from functools import cached_property, wraps
from typing import Any
from urllib.parse import quote_plus

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from observatoire.accounts.backends import client_ip
from observatoire.lib import abuse
from observatoire.lib.cache import cached_fragment, listing_version, viewer_scope
from observatoire.lib.numbers import parse_int
from observatoire.lib.prepared import Prepared
from observatoire.lib.text import fold
from observatoire.practices import page_body, search
from observatoire.practices.facet_rows import LIST_NAME, PAIRS
from observatoire.practices.facets import FACETS, choice_labels
from observatoire.practices.list_markup import (
    FacetChoice,
    FacetView,
    decorate_cards,
    facet_links,
)
from observatoire.practices.models import PracticeFacet, PracticeSearchRow, cards_by_pk
from observatoire.search import facets as stored

SORTS = {
    "pertinence": (_("Pertinence"), search.RELEVANCE_ORDER),
    "recentes": (_("Les plus récentes"), ["-published_at", "-pk"]),
    "anciennes": (_("Les plus anciennes"), ["published_at", "pk"]),
    "titre": (_("Titre (A à Z)"), ["sort_title", "pk"]),
}
# The date sorts, as read from the facet rows (practices/models.py, PracticeFacet).
DATE_SORTS = {
    "recentes": ["-published_at", "-practice_id"],
    "anciennes": ["published_at", "practice_id"],
}
# The year tokens (« annee:2024 »), one row for each published practice: between these two.
YEAR_ROWS = ("annee:", "annee;")
MAX_VALUES_PER_FACET = 20
# Facets shown in French alphabetical order (« Île-de-France » among the I); the others keep
# the order staff gave them (categories, themes) or the nomenclature's (sectors, sizes).
ALPHABETICAL_FACETS = {"ur", "region"}
# Counts are cached until a list changes (lib.cache.forget_listings) or for this long.
LISTING_CACHE_SECONDS = 600
# Past this many results a search says « Plus de 1 000 pratiques », counts no further (nor
# pages further), and shows its facets' values without numbers: nobody pages that far, and
# counting tens of thousands of matches cost more than ranking them.
COUNT_LIMIT = 1_000
# Past this many results, a list filtered on several values (and no query) still says how
# many, but shows its facets' values without numbers: grouping the tokens of tens of
# thousands of practices cost more than the rest of the page.
LIST_COUNT_LIMIT = 2_000
# A search filtered only on values carried by more than this share of the practices (« forme:
# scop »: three in four) counts its matches from the full-text index, not from the filter's.
BROAD_SHARE = 0.4
# Up to this many results, a search ranks them all at once (_page_ids).
FEW_MATCHES = 250
# The parameters a list reads; any other is dropped by a redirect.
LIST_PARAMS = ("q", *(facet.param for facet in FACETS), "tri", "page")
# The search engine keeps no more words than this; the page says so when it cuts a query.
MAX_QUERY_WORDS = 12
PAGE_NUMBER = re.compile(r"[0-9]{1,6}")


@dataclass
class Listing:
    params: QueryDict
    query: search.ParsedQuery
    filters: dict[str, list[str]]
    sort: str
    page: Page
    facets: list[FacetView]
    ignored: list[str] = field(default_factory=list)
    matched_some_words_only: bool = False
    count_capped: bool = False  # more than COUNT_LIMIT results: the count stops there
    facets_counted: bool = True  # False: too many results, facets show no numbers
    # Facets with a ticked value whose other values were too many to count: no numbers.
    uncounted_facets: list[str] = field(default_factory=list)

    # Cached: the template reads these several times.
    @cached_property
    def active_filters(self) -> list[FacetChoice]:
        return [choice for facet in self.facets for choice in facet.choices if choice.selected]

    @cached_property
    def sorts(self) -> list[tuple[str, Any, str, bool]]:
        options = []
        for key, (label, _order) in SORTS.items():
            if key == "pertinence" and self.query.is_empty:
                continue
            options.append((key, label, url_with(self.params, tri=key), key == self.sort))
        return options

    @property
    def suggestion_url(self) -> str:
        return url_with(self.params, q=self.query.suggestion)

    @property
    def previous_url(self) -> str:
        if not self.page.has_previous():
            return ""
        return url_with(self.params, page=str(self.page.previous_page_number()))

    @property
    def next_url(self) -> str:
        if not self.page.has_next():
            return ""
        return url_with(self.params, page=str(self.page.next_page_number()))


def url_with(params: QueryDict, **changes: str | None) -> str:
    """The list's URL with some parameters changed; any change but the page's resets it."""
    updated = params.copy()
    if "page" not in changes:
        updated.pop("page", None)
    for key, value in changes.items():
        updated.pop(key, None)
        if value:
            updated[key] = value
    encoded = updated.urlencode()
    return f"?{encoded}" if encoded else "?"


def toggled(params: QueryDict, param: str, value: str) -> str:
    """The list's URL with one facet value added or removed, back to the first page."""
    return toggler(params, param)(value)


def toggler(params: QueryDict, param: str) -> Callable[[str], str]:
    """toggled() for many values of one facet: a list shows a hundred facet links, so the
    parameters are encoded once (as urlencode() would) and each link only joins the pieces."""
    before: list[str] = []  # the other parameters' pairs, in order, around the facet's own
    after: list[str] = []
    own: list[str] = []
    for key, values in params.lists():
        if key == param:
            own = [f"{quote_plus(key)}={quote_plus(value)}" for value in values]
        elif key != "page":
            pairs = before if not own else after
            pairs += [f"{quote_plus(key)}={quote_plus(value)}" for value in values]
    encoded_param = quote_plus(param)

    def toggle(value: str) -> str:
        pair = f"{encoded_param}={quote_plus(value)}"
        pairs = [p for p in own if p != pair] if pair in own else [*own, pair]
        return "?" + "&".join([*before, *pairs, *after])

    return toggle


def read_filters(
    params: QueryDict, labels: dict[str, dict[str, str]]
) -> tuple[dict[str, list[str]], list[str]]:
    filters: dict[str, list[str]] = {}
    ignored: list[str] = []
    for facet in FACETS:
        values = []
        for value in params.getlist(facet.param)[:MAX_VALUES_PER_FACET]:
            value = value.strip()
            if facet.param == "annee":
                valid = len(value) == 4 and parse_int(value) is not None
            else:
                valid = value in labels.get(facet.param, {})
            if valid and value not in values:
                values.append(value)
            elif not valid:
                ignored.append(f"{facet.label} : {value[:40]}")
        if values:
            filters[facet.param] = values
    return filters, ignored


def search_box(params: QueryDict) -> dict[str, Any]:
    """What the search form shows again: the query and the filters kept as hidden fields."""
    return {
        "query_text": cut_query(params.get("q", ""))[0],
        "search_keep": [
            (key, value)
            for key, values in params.lists()
            for value in values
            if key not in {"q", "page"}
        ],
    }


def cut_query(text: str) -> tuple[str, bool]:
    """The query as searched and shown: its first words, within the maximum length."""
    all_words = text.split()
    kept = " ".join(all_words[:MAX_QUERY_WORDS])
    if len(kept) > settings.SEARCH_QUERY_MAX_LENGTH:
        kept = kept[: settings.SEARCH_QUERY_MAX_LENGTH].rsplit(" ", 1)[0]
    return kept, kept != " ".join(all_words)


def facet_labels(request=None) -> dict[str, dict[str, str]]:
    """choice_labels(), cached until a list changes (taxonomy edits renew the listing), and
    read once per request: cleaning the address and rendering the list both need them."""
    labels = getattr(request, "facet_labels", None)
    if labels is not None:
        return labels
    key = f"facet-labels:{translation.get_language()}:{listing_version(request)}"
    labels = cache.get(key)
    if labels is None:
        labels = choice_labels()
        cache.set(key, labels, LISTING_CACHE_SECONDS)
    if request is not None:
        request.facet_labels = labels
    return labels


def parsed_query(text: str, request=None) -> search.ParsedQuery:
    """The parsed query, cached until a list changes: parsing reads the vocabulary."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    key = f"parsed-query:{listing_version(request)}:{digest}"
    query = cache.get(key)
    if query is None:
        query = search.parse(text, settings.SEARCH_QUERY_MAX_LENGTH)
        cache.set(key, query, LISTING_CACHE_SECONDS)
    return query


def clean_params(params: QueryDict, request=None) -> tuple[QueryDict, list[str], bool]:
    """The parameters a list reads, valid and not empty; the filters left out; whether the
    query was cut."""
    clean = QueryDict(mutable=True)
    text, was_cut = cut_query(params.get("q", ""))
    if text:
        clean["q"] = text
    ignored: list[str] = []
    if any(facet.param in params for facet in FACETS):
        filters, ignored = read_filters(params, facet_labels(request))
        for param, values in filters.items():
            clean.setlist(param, values)
        ignored = [value for value in ignored if not value.endswith(" : ")]  # empty values
    sort = params.get("tri", "").strip()
    if sort in SORTS:
        clean["tri"] = sort
    page = params.get("page", "").strip()
    if PAGE_NUMBER.fullmatch(page) and int(page) > 1:
        clean["page"] = str(int(page))
    return clean, ignored, was_cut


def clean_list_params(view):
    """Redirect a list's address with unknown, empty, repeated or malformed parameters to its
    clean address, saying which filters were ignored and whether the query was cut."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        clean, ignored, was_cut = clean_params(request.GET, request)
        if sorted(_pairs(clean)) == sorted(_pairs(request.GET)):
            return view(request, *args, **kwargs)
        if ignored:
            messages.warning(
                request,
                gettext("Ces filtres n'existent pas et ont été ignorés : %(filters)s")
                % {"filters": ", ".join(ignored)},
            )
        if was_cut:
            messages.info(
                request,
                gettext(
                    "Votre recherche était trop longue : seuls ses %(count)d premiers mots "
                    "sont cherchés."
                )
                % {"count": MAX_QUERY_WORDS},
            )
        encoded = clean.urlencode()
        return HttpResponseRedirect(f"{request.path}?{encoded}" if encoded else request.path)

    return wrapped


def _pairs(params: QueryDict) -> list[tuple[str, str]]:
    return [(key, value) for key, values in params.lists() for value in values]


def limit_search_rate(view):
    """At most SEARCH_RATE_PER_MINUTE searches a minute from one address (0: no limit); past
    it, a French page with status 429 says when to try again."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        limit = settings.SEARCH_RATE_PER_MINUTE
        if limit and "q" in request.GET:
            key = f"search:{client_ip(request)}"
            if not abuse.allow_in_cache(key, limit, timedelta(minutes=1)):
                return search_rate_limited(request, limit)
        return view(request, *args, **kwargs)

    return wrapped


def search_rate_limited(request, limit: int):
    response = render(
        request,
        "practices/search_rate_limited.html",
        {"limit": limit, "seconds": 60},
        status=429,
    )
    response["Retry-After"] = "60"
    patch_cache_control(response, private=True, no_store=True)
    return response


def listing_html(request, base_queryset, *, fixed: dict[str, list[str]] | None = None) -> str:
    """The rendered list with its facets, cached until a list changes.

    At 50,000 practices rendering twenty cards and their facets costs more than the queries.
    The key is what the list shows: the parsed query, the valid filters, the sort and the page
    (with the language and whether the viewer is a member), never the address itself.
    """
    params = request.GET
    labels = facet_labels(request)
    filters, ignored = read_filters(params, labels)
    for param, values in (fixed or {}).items():
        filters[param] = values
    query = parsed_query(cut_query(params.get("q", ""))[0], request)
    page = params.get("page", "").strip()
    parts = (
        query.text,
        query.groups,
        sorted(filters.items()),
        _sort(params, query),
        int(page) if PAGE_NUMBER.fullmatch(page) else 1,
        ignored,
    )

    def render() -> str:
        listing = build_listing(request, base_queryset, fixed=fixed, labels=labels, query=query)
        return render_to_string("includes/listing.html", {"listing": listing}, request=request)

    # For a visitor's whole page (kept by the page cache), rendered directly: not kept twice.
    return cached_fragment(request, "listing", parts, render, one_page=True)


def _sort(params: QueryDict, query: search.ParsedQuery) -> str:
    sort = params.get("tri", "")
    if sort not in SORTS or (sort == "pertinence" and query.is_empty):
        sort = "recentes" if query.is_empty else "pertinence"
    return sort


def build_listing(
    request,
    base_queryset,
    *,
    fixed: dict[str, list[str]] | None = None,
    labels: dict[str, dict[str, str]] | None = None,
    query: search.ParsedQuery | None = None,
) -> Listing:
    params = request.GET.copy()
    labels = labels if labels is not None else facet_labels()
    filters, ignored = read_filters(params, labels)
    for param, values in (fixed or {}).items():
        filters[param] = values
    if query is None:
        query = parsed_query(cut_query(params.get("q", ""))[0], request)

    scope = viewer_scope(request.user)
    sizes = _sizes_reader(scope)
    cache_key = _cache_key(request, filters, query)
    cached = cache.get(cache_key)
    if cached is None:
        cached = _listing_counts(request.user, filters, query, fixed=fixed or {}, sizes=sizes)
        cache.set(cache_key, cached, LISTING_CACHE_SECONDS)
    some_words_only = cached["some_words_only"]

    sort = _sort(params, query)
    if query.is_empty and filters and sort in DATE_SORTS:
        # Filters without a query, by date: the page's ids read on the facet index alone,
        # from the same rows the counts read.
        page_ids: Any = _CarryingPage(sort, _carrying_args(filters, scope, sizes))
    else:
        found = None if cached["capped"] else cached["count"]
        page_ids = _page_ids(base_queryset, filters, query, sort, scope, some_words_only, found)
    paginator = Paginator(page_ids, settings.PRACTICES_PER_PAGE)
    paginator.count = cached["count"]  # type: ignore[misc]
    page = paginator.get_page(params.get("page"))
    page.object_list = _cards(list(page.object_list), query)
    uncounted = cached.get("uncounted", [])
    facets = _facet_views(
        cached["facets"], params, filters, labels, counted=cached["counted"], uncounted=uncounted
    )
    return Listing(
        params=params,
        query=query,
        filters=filters,
        sort=sort,
        page=page,
        facets=facets,
        ignored=ignored,
        matched_some_words_only=some_words_only,
        count_capped=cached["capped"],
        facets_counted=cached["counted"],
        uncounted_facets=uncounted,
    )


def _listing_counts(
    user,
    filters: dict[str, list[str]],
    query: search.ParsedQuery,
    *,
    fixed: dict[str, list[str]],
    sizes: Callable[[], dict[str, int]],
) -> dict[str, Any]:
    """What a list counts, kept in the cache: its results, and its facets' values (those of
    a fixed filter left out, a category's page showing no « Catégorie »)."""
    count, capped, counts, counted = _counts(user, filters, query, sizes=sizes)
    some_words_only = False
    if count == 0 and len(query.groups) > 1:
        # No practice has every word: those with some of them, said so on the page.
        some_words_only = True
        count, capped, counts, counted = _counts(
            user, filters, query, some_words_only=True, sizes=sizes
        )
    facets = {param: values for param, values in counts.items() if param not in fixed}
    uncounted: list[str] = []
    if counted:  # else every facet shows its values without numbers
        ticked, uncounted = _ticked_facet_counts(
            user, filters, query, fixed=fixed, some_words_only=some_words_only, sizes=sizes
        )
        facets.update(ticked)
    return {
        "count": count,
        "capped": capped,
        "counted": counted,
        "some_words_only": some_words_only,
        "facets": facets,
        "uncounted": uncounted,
    }


def _ticked_facet_counts(
    user,
    filters: dict[str, list[str]],
    query: search.ParsedQuery,
    *,
    fixed: dict[str, list[str]],
    some_words_only: bool,
    sizes: Callable[[], dict[str, int]],
) -> tuple[dict[str, dict[str, int]], list[str]]:
    """The values of each facet with a ticked value (not ``fixed`` by the page), counted in
    the list filtered on every other facet but not on its own; and the facets whose list had
    too many results to count (their values shown without numbers).

    Values of one facet widen the list (« Scop ou Scic »): counted among the results, the
    values not ticked would show only the few results that carry them too, or vanish. Each
    counts here the practices it gives chosen alone, the other facets' filters kept, so that
    every value stays offered. One count a facet with a ticked value; the facets without one
    count the results themselves (``_counts``).
    """
    counts: dict[str, dict[str, int]] = {}
    uncounted: list[str] = []
    for param in [param for param in filters if param not in fixed]:
        others = {other: values for other, values in filters.items() if other != param}
        *_found, by_param, counted = _counts(
            user, others, query, some_words_only=some_words_only, sizes=sizes
        )
        counts[param] = by_param.get(param, {})
        if not counted:
            uncounted.append(param)
    return counts, uncounted


def _page_ids(
    base_queryset, filters, query, sort: str, scope: str, some_words_only: bool, found=None
):
    """The ids of the list in its order, to be sliced for a page: sorted on an index alone,
    so that only the twenty rows of the page are read afterwards. Only the querysets a page
    reads are built (building one costs about a millisecond).

    ``found``: how many results the list counted (None: more than it counts). When they are
    few, a search ranks them all at once, read from the full-text index: cheaper than going
    through an index in the order of the ranking and testing each row, which pays off when
    matches are many and the page is full after a few rows."""
    order = SORTS[sort][1]
    match_all = not some_words_only
    if sort == "pertinence":
        rows = _filtered(search.ranked_rows(base_queryset, scope), filters)
        if found is not None and found <= FEW_MATCHES:
            ranked = search.ranked(rows, query, match_all=match_all)
            return ranked.order_by(*order).values_list("pk", flat=True)
        if search.one_group(query, match_all=match_all):
            return search.ranked_levels(rows, query)

        def ids(ranked):
            return ranked.order_by(*order).values_list("pk", flat=True)

        def whole_ranking():
            return ids(search.ranked(rows, query, match_all=match_all))

        if not match_all:
            return whole_ranking()
        # Several groups: the results with every word in their title come first, then (up to
        # three groups) those with one; a page among the first of either is ranked among them
        # alone, any other by the whole ranking.
        rankings = [lambda: ids(search.all_in_title(rows, query))]
        if search.title_first(query):
            rankings.append(lambda: ids(search.ranked(rows, query, title_only=True)))
        return search.FullPageOf([*rankings, whole_ranking])
    results = base_queryset
    if not query.is_empty:
        results = search.matching(results, query, match_all=match_all)
    if query.is_empty and filters:
        # Filters without a query: the practices carrying them all, on the facet index.
        results = results.filter(pk__in=_carrying(filters, scope))
    else:
        results = _filtered(results, filters)
    return results.order_by(*order).values_list("pk", flat=True)


def _counts(
    user,
    filters: dict[str, list[str]],
    query: search.ParsedQuery,
    *,
    some_words_only: bool = False,
    sizes: Callable[[], dict[str, int]] | None = None,
):
    """(count, capped, counts by facet, whether those counts are the results').

    - The unfiltered list, and a list filtered on one value or on one value of each of two
      facets, read the counts kept on write (``facet_rows.PAIRS``).
    - Any other list without a query counts the facet rows of the practices carrying its
      filters, without reading the practices at all.
    - A search counts the facet rows of its first COUNT_LIMIT results, and the year counts
      add up to its count (every published practice has one year). Past that (a broad
      search), it says « Plus de … » and facets show their values without numbers.

    ``sizes``: the whole list's stored counts, read once for all the counts of one list.
    """
    scope = viewer_scope(user)
    sizes = sizes or _sizes_reader(scope)
    among = stored.among(filters, pairs=PAIRS) if query.is_empty else None
    if among is not None:
        kept = stored.stored_counts(LIST_NAME, scope=scope, among=among) if among else sizes()
        return kept.get(stored.TOTAL, 0), False, stored.by_param(kept), True
    if query.is_empty:
        counted = dict(_carrying_counts(*_carrying_args(filters, scope, sizes)))
        found = counted.pop(stored.MATCHES)
        if found and not counted:
            # More than LIST_COUNT_LIMIT results: their exact number, and the values of the
            # whole list without numbers (grouping 15,000 practices' tokens cost 40-80 ms).
            return found, False, stored.by_param(sizes()), False
        return found, False, stored.by_param(counted), True
    match_all = not some_words_only
    if connection.vendor == "postgresql":
        # The first matches, from the narrow rows of the published practices and their
        # vector's index: the wide practice rows are not read.
        matches = PracticeSearchRow.objects.all()
        if scope == "public":
            matches = matches.filter(public=True)
        for param, chosen in filters.items():
            matches = matches.filter(stored.Carries([stored.token(param, v) for v in chosen]))
        matches = search.search_rows(matches, query, match_all=match_all)
    elif _broad_filters(filters, sizes):
        # No filter, or only values most practices carry: the matches drive, each looked up
        # on the facet index (its year row, its tokens tested in the row), and the count
        # stops after COUNT_LIMIT of them. Listing the practices carrying « forme:scop »
        # (three in four) first cost 15 ms where a few hundred matches take 5.
        rows = _year_rows(scope)
        for param, chosen in filters.items():
            rows = rows.filter(stored.Carries([stored.token(param, v) for v in chosen]))
        matches = search.joined_to_matches(rows, "practice_id", query, match_all=match_all)
    else:
        # The first matches found on the facet index (one row a published practice), so that
        # neither the practices nor every match are read: the practices carrying the
        # narrowest filter, each tested against the list of matches.
        matches = _carrying_rows(filters, scope).filter(
            practice_id__in=search.matched_ids(query, match_all=match_all)
        )
    first = matches.values("tokens")[: COUNT_LIMIT + 1]
    found, counted = stored.counts_up_to(first, COUNT_LIMIT, through_indexes=True)
    if found > COUNT_LIMIT:
        # A broad search: its counts would not be shown; the whole list's values instead,
        # without numbers.
        return COUNT_LIMIT, True, stored.by_param(sizes()), False
    return found, False, stored.by_param(counted), True


def _sizes_reader(scope: str) -> Callable[[], dict[str, int]]:
    """The stored counts of the whole list in ``scope`` (how many practices carry each
    token), read at most once however many of one list's counts need them: the order of its
    filters, whether they are broad, the values a list too large to count shows."""
    return memoized(lambda: stored.stored_counts(LIST_NAME, scope=scope))


def _broad_filters(filters: dict[str, list[str]], sizes: Callable[[], dict[str, int]]) -> bool:
    """Whether no filter narrows the list much: there is none, or each one's values are
    carried by more than BROAD_SHARE of the list's practices (stored counts)."""
    if not filters:
        return True
    counts = sizes()
    total = counts.get(stored.TOTAL, 0)
    return all(
        sum(counts.get(stored.token(param, value), 0) for value in values) > BROAD_SHARE * total
        for param, values in filters.items()
    )


def _year_rows(scope: str):
    """One facet row for each published practice visible in ``scope``: its year's."""
    rows = PracticeFacet.objects.filter(token__gte=YEAR_ROWS[0], token__lt=YEAR_ROWS[1])
    return rows.filter(public=True) if scope == "public" else rows


def _carrying_rows(filters: dict[str, list[str]], scope: str):
    """One facet row for each published practice, visible in ``scope``, that carries a value
    of every filter: read on the facet index, the practice table left alone.

    The rows read are those of the filter with the fewest practices among those with one
    value (so no practice comes twice), or else the year rows (every published practice has
    exactly one); each other filter is checked by one index lookup a practice, the most
    selective first. Their ``published_at`` (the practice's) sorts the list on that index.
    """
    return _carrying_query(*_carrying_args(filters, scope))


def _carrying_args(
    filters: dict[str, list[str]], scope: str, sizes: Callable[[], dict[str, int]] | None = None
) -> tuple:
    """The arguments of ``_carrying_query`` (see ``_carrying_rows``): whether only public
    rows count, the token of the driving filter (None: the year rows), then the tokens of
    each other filter."""
    tokens = {
        param: [stored.token(param, value) for value in values] for param, values in filters.items()
    }
    order = list(tokens)
    if len(tokens) > 1:
        counts = (sizes or _sizes_reader(scope))()
        order.sort(key=lambda param: sum(counts.get(t, 0) for t in tokens[param]))
    driver = next((param for param in order if len(tokens[param]) == 1), None)
    others = [tokens[param] for param in order if param != driver]
    return (scope == "public", tokens[driver][0] if driver else None, *others)


def _carrying_query(public: bool, driver: str | None, *others: list[str]):
    if driver is None:
        rows = _year_rows("public" if public else "members")
    else:
        rows = PracticeFacet.objects.filter(token=driver)
        if public:
            rows = rows.filter(public=True)
    for tokens in others:
        rows = rows.filter(stored.Carries(tokens))
    return rows


# A list filtered without a query: its page of ids and its facet counts, compiled once per
# process and shape of filters (lib/prepared.py).
_carrying_page = Prepared(
    lambda sort, start, stop, *args: (
        _carrying_query(*args)
        .order_by(*DATE_SORTS[sort])
        .values_list("practice_id", flat=True)[start:stop]
    ),
    shape=3,
    name="carrying_page",
)


def carrying_counts_up_to(limit: int) -> Prepared:
    """How many practices carry the filters, and each token's count when they are ``limit``
    at most (search/facets.py, ``counted_up_to_sql``)."""
    return Prepared(
        lambda *args: _carrying_query(*args).order_by().values_list("tokens"),
        outer=stored.counted_up_to_sql(limit),
        name=f"carrying_counts_{limit}",
    )


_carrying_counts = carrying_counts_up_to(LIST_COUNT_LIMIT)


class _CarryingPage:
    """The ids of the practices carrying the filters, by date, sliced like a list (what the
    paginator reads)."""

    def __init__(self, sort: str, args: tuple):
        self.sort, self.args = sort, args

    def __getitem__(self, window: slice) -> list:
        return _carrying_page(self.sort, window.start or 0, window.stop, *self.args)


def _carrying(filters: dict[str, list[str]], scope: str):
    """The ids of the practices ``_carrying_rows()`` gives."""
    return _carrying_rows(filters, scope).values("practice_id")


def _filtered(queryset, filters: dict[str, list[str]]):
    for facet in FACETS:
        if facet.param in filters:
            queryset = facet.filter(queryset, filters[facet.param])
    return queryset


def _cards(pks: list[int], query: search.ParsedQuery) -> list:
    """The page's cards, in its order: stored with the practice (page_body.py: one query for
    the twenty), with a search's words marked in their titles and texts; any card not stored
    as this request shows it is rendered in full."""
    stored = page_body.stored_cards(pks, None if query.is_empty else query.wanted_stems)
    missing = [pk for pk in pks if pk not in stored]
    rows = cards_by_pk(missing, texts=not query.is_empty) if missing else {}
    decorate_cards(rows.values(), query.wanted_stems)
    cards: dict[int, Any] = {**stored, **rows}
    return [cards[pk] for pk in pks if pk in cards]


def _cache_key(request, filters: dict[str, list[str]], query: search.ParsedQuery) -> str:
    """Counts depend on who looks (members see more), the filters, the query and the data."""
    scope = viewer_scope(request.user)
    signature = repr((scope, sorted(filters.items()), query.groups))
    digest = hashlib.sha256(signature.encode()).hexdigest()[:32]
    return f"listing:{listing_version(request)}:{digest}"


def _facet_views(
    all_counts: dict[str, dict[str, int]],
    params: QueryDict,
    filters: dict[str, list[str]],
    labels: dict[str, dict[str, str]],
    *,
    counted: bool = True,
    uncounted: list[str] | tuple = (),
) -> list[FacetView]:
    """The facets' choices; without ``counted`` (or for the facets ``uncounted``), the values
    exist but their counts are not those of the results, and are not shown."""
    views = []
    links = facet_links()
    for facet in FACETS:
        if facet.param not in all_counts:
            continue
        toggle = toggler(params, facet.param)
        counts = all_counts[facet.param]
        selected = filters.get(facet.param, [])
        facet_labels = labels.get(facet.param, {})
        values = list(counts) + [value for value in selected if value not in counts]
        if facet.param == "annee":
            values.sort(reverse=True)
        elif facet.param in ALPHABETICAL_FACETS:
            values.sort(key=lambda v: fold(facet_labels.get(v) or v))
        else:
            order = {value: rank for rank, value in enumerate(facet_labels)}
            values.sort(key=lambda v: order.get(v, len(order)))
        choices = [
            FacetChoice(
                value=value,
                label=facet_labels.get(value, value),
                count=counts.get(value, 0) if counted and facet.param not in uncounted else None,
                selected=value in selected,
                url=toggle(value),
            )
            for value in values
        ]
        views.append(
            FacetView(
                param=facet.param, label=facet.label, choices=choices, links_html=links(choices)
            )
        )
    return views
