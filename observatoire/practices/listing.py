"""The practice list: reading filters from the URL, searching, counting facets, paginating.

Everything the list shows comes from the URL, so that any view of the list can be shared, and
unknown or malformed values are dropped with a notice instead of failing.
"""

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from observatoire.lib.cache import cached_fragment, listing_version, viewer_scope
from observatoire.lib.text import fold, highlight, highlight_excerpt, mentions
from observatoire.practices import search
from observatoire.practices.facets import FACETS, choice_labels

SORTS = {
    "pertinence": (_("Pertinence"), ["-title_hit", "-relevance", "-published_at", "-pk"]),
    "recentes": (_("Les plus récentes"), ["-published_at", "-pk"]),
    "anciennes": (_("Les plus anciennes"), ["published_at", "pk"]),
    "titre": (_("Titre (A à Z)"), ["sort_title", "pk"]),
}
MAX_VALUES_PER_FACET = 20
# Facets shown in French alphabetical order (« Île-de-France » among the I); the others keep
# the order staff gave them (categories, themes) or the nomenclature's (sectors, sizes).
ALPHABETICAL_FACETS = {"ur", "region"}
# Counts are cached until a practice changes (search.forget_listings) or for this long.
LISTING_CACHE_SECONDS = 600
EXCERPT_FIELDS = ["summary", "context", "actions", "setup_steps", "results", "difficulties"]


@dataclass
class FacetChoice:
    value: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass
class FacetView:
    param: str
    label: Any
    choices: list[FacetChoice]

    @property
    def has_selection(self) -> bool:
        return any(choice.selected for choice in self.choices)


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

    @property
    def active_filters(self) -> list[FacetChoice]:
        return [choice for facet in self.facets for choice in facet.choices if choice.selected]

    @property
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
    updated = params.copy()
    updated.pop("page", None)
    values = updated.getlist(param)
    updated.setlist(
        param, [v for v in values if v != value] if value in values else values + [value]
    )
    encoded = updated.urlencode()
    return f"?{encoded}" if encoded else "?"


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
                valid = value.isdigit() and len(value) == 4
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
        "query_text": " ".join(params.get("q", "").split())[: settings.SEARCH_QUERY_MAX_LENGTH],
        "search_keep": [
            (key, value)
            for key, values in params.lists()
            for value in values
            if key not in {"q", "page"}
        ],
    }


def listing_html(request, base_queryset, *, fixed: dict[str, list[str]] | None = None) -> str:
    """The rendered list with its facets, cached until a practice changes.

    At 50,000 practices rendering twenty cards and their facets costs more than the queries;
    the HTML depends only on the URL, the language and whether the viewer is a member.
    """

    def render() -> str:
        listing = build_listing(request, base_queryset, fixed=fixed)
        return render_to_string("includes/listing.html", {"listing": listing}, request=request)

    return cached_fragment(request, "listing", (request.GET.urlencode(), fixed), render)


def build_listing(request, base_queryset, *, fixed: dict[str, list[str]] | None = None) -> Listing:
    params = request.GET.copy()
    labels = choice_labels()
    filters, ignored = read_filters(params, labels)
    for param, values in (fixed or {}).items():
        filters[param] = values
    query = search.parse(params.get("q", ""), settings.SEARCH_QUERY_MAX_LENGTH)

    cache_key = _cache_key(request.user, filters, query)
    cached = cache.get(cache_key)
    results = base_queryset
    some_words_only = bool(cached and cached["some_words_only"])
    if not query.is_empty:
        matched = search.matching(results, query, match_all=not some_words_only)
        if cached is None and len(query.groups) > 1 and not _filtered(matched, filters).exists():
            matched = search.matching(results, query, match_all=False)
            some_words_only = True
        results = matched
    results = _filtered(results, filters)

    sort = params.get("tri", "")
    if sort not in SORTS or (sort == "pertinence" and query.is_empty):
        sort = "recentes" if query.is_empty else "pertinence"
    page_results = results
    if sort == "pertinence":
        page_results = search.ranked(
            _filtered(base_queryset, filters), query, match_all=not some_words_only
        )
    page_results = page_results.order_by(*SORTS[sort][1])

    paginator = Paginator(page_results.for_list(), settings.PRACTICES_PER_PAGE)
    if cached is None:
        ids = list(results.order_by().values_list("pk", flat=True))
        cached = {
            "count": len(ids),
            "some_words_only": some_words_only,
            "facets": {
                facet.param: facet.counts(ids)
                for facet in FACETS
                if facet.param not in (fixed or {})
            },
        }
        cache.set(cache_key, cached, LISTING_CACHE_SECONDS)
    paginator.count = cached["count"]  # type: ignore[misc]
    page = paginator.get_page(params.get("page"))
    _decorate(page, query)
    facets = _facet_views(cached["facets"], params, filters, labels)
    return Listing(
        params=params,
        query=query,
        filters=filters,
        sort=sort,
        page=page,
        facets=facets,
        ignored=ignored,
        matched_some_words_only=some_words_only,
    )


def _filtered(queryset, filters: dict[str, list[str]]):
    for facet in FACETS:
        if facet.param in filters:
            queryset = facet.filter(queryset, filters[facet.param])
    return queryset


def _decorate(page: Page, query: search.ParsedQuery) -> None:
    """Give each practice of the page its highlighted title and excerpt."""
    wanted = query.wanted_stems
    if not wanted:
        return  # the card shows the plain title and summary
    for practice in page.object_list:
        practice.title_html = highlight(practice.title, wanted)
        text = next(
            (
                getattr(practice, name)
                for name in EXCERPT_FIELDS
                if mentions(getattr(practice, name), wanted)
            ),
            practice.summary,
        )
        practice.excerpt_html = highlight_excerpt(text, wanted, length=260)


def _cache_key(user, filters: dict[str, list[str]], query: search.ParsedQuery) -> str:
    """Counts depend on who looks (members see more), the filters, the query and the data."""
    scope = viewer_scope(user)
    signature = repr((scope, sorted(filters.items()), query.groups))
    digest = hashlib.sha256(signature.encode()).hexdigest()[:32]
    return f"listing:{listing_version()}:{digest}"


def _facet_views(
    all_counts: dict[str, dict[str, int]],
    params: QueryDict,
    filters: dict[str, list[str]],
    labels: dict[str, dict[str, str]],
) -> list[FacetView]:
    views = []
    for facet in FACETS:
        if facet.param not in all_counts:
            continue
        counts = all_counts[facet.param]
        selected = filters.get(facet.param, [])
        facet_labels = labels.get(facet.param, {})
        values = list(counts) + [value for value in selected if value not in counts]
        if facet.param == "annee":
            values.sort(reverse=True)
        elif facet.param in ALPHABETICAL_FACETS:
            values.sort(key=lambda v: fold(facet_labels.get(v) or v))
        else:
            order = list(facet_labels)
            values.sort(key=lambda v: order.index(v) if v in order else len(order))
        choices = [
            FacetChoice(
                value=value,
                label=facet_labels.get(value, value),
                count=counts.get(value, 0),
                selected=value in selected,
                url=toggled(params, facet.param, value),
            )
            for value in values
        ]
        views.append(FacetView(param=facet.param, label=facet.label, choices=choices))
    return views
