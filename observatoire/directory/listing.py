"""The directory's list (/annuaire/): search, facets with counts, sorts and pages, on the engine
practices use.

- The query is read as for practices (search/query.py: typos, synonyms, word families) and
  matched on the cooperatives' stems (name; activity and place; presentation) through
  search/fulltext.py, on SQLite's FTS5 table or PostgreSQL's vectors (network/fts.py).
- Facets are the cooperatives' tokens (network/directory_index.py): the unfiltered list and a
  list filtered on one value read the counts kept on write; any other list groups the tokens
  of its results in one query (search/facets.py). A facet with a ticked value counts its
  values without its own filter, so that every value stays offered with what its link gives.
- « Près de » a commune or a postcode sorts by distance (optionally within a radius), from the
  communes shipped with the project (network/geocoding.py): nothing is fetched.
"""

import math
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import ExpressionWrapper, F, FloatField, QuerySet, Value
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from observatoire.lib.numbers import parse_int
from observatoire.lib.text import fold
from observatoire.lib.urls import reverse
from observatoire.network import directory_index, geocoding, naf
from observatoire.network.fts import FTS_TABLE
from observatoire.network.models import (
    Cooperative,
    CooperativeFacet,
    Departement,
    Organisation,
    Region,
    Sector,
)
from observatoire.practices.list_markup import FacetChoice, FacetView, facet_links
from observatoire.practices.listing import cut_query, parsed_query, toggler
from observatoire.search import facets as stored
from observatoire.search import fulltext
from observatoire.search.query import ParsedQuery

PER_PAGE = 20
COUNT_LIMIT = 3000  # past it, a list shows its facets' values without numbers
MAX_VALUES_PER_FACET = 20
MAX_RADIUS_KM = 1000
KM_PER_DEGREE = 111.2
INDEX = fulltext.FullTextIndex(fts_table=FTS_TABLE)
FACET_LABELS = {
    "forme": gettext_lazy("Statut coopératif"),
    "societe": gettext_lazy("Forme de société"),
    "ur": gettext_lazy("Union régionale"),
    "region": gettext_lazy("Région"),
    "departement": gettext_lazy("Département"),
    "federation": gettext_lazy("Fédération"),
    "section": gettext_lazy("Secteur d'activité (NAF)"),
    "division": gettext_lazy("Activité (division NAF)"),
    "effectif": gettext_lazy("Effectif"),
    "decennie": gettext_lazy("Création"),
    "ambassadeur": gettext_lazy("Ambassadrices du réseau"),
    "parrainage": gettext_lazy("Parrainage"),
    "pratiques": gettext_lazy("Pratiques partagées"),
}
ALPHABETICAL = {"ur", "region", "federation", "departement"}
# Facets of a hundred values offered once a broader one is chosen: the départements of a
# region or an UR, the NAF divisions of a section (or when one of their values is ticked).
NARROWER = {"departement": ("region", "ur"), "division": ("section",)}
SORTS = {
    "nom": gettext_lazy("Nom"),
    "recentes": gettext_lazy("Dernières inscrites"),
    "distance": gettext_lazy("Distance"),
    "pertinence": gettext_lazy("Pertinence"),
}
LIST_PARAMS = ("q", *directory_index.PARAMS, "tri", "pres", "rayon", "page")


def facet_labels() -> dict[str, dict[str, str]]:
    """Each facet's values and their labels, in the order they are offered."""
    unions = Organisation.objects.filter(kind=Organisation.Kind.UNION)
    federations = Organisation.objects.filter(kind=Organisation.Kind.FEDERATION)
    divisions = {
        code: f"{code} — {label}" for code, label in naf.labels().items() if len(code) == 2
    }
    return {
        "forme": {value: str(label) for value, label in Cooperative.Family.choices},
        "societe": {value: str(label) for value, label in Cooperative.CompanyForm.choices},
        "ur": dict(unions.values_list("slug", "short_name")),
        "region": dict(Region.objects.values_list("code", "name")),
        "departement": {
            code: f"{name} ({code})"
            for code, name in Departement.objects.order_by("code").values_list("code", "name")
        },
        "federation": dict(federations.values_list("slug", "short_name")),
        "section": dict(Sector.objects.order_by("code").values_list("code", "name")),
        "division": divisions,
        "effectif": {value: str(label) for value, label in Cooperative.Headcount.choices},
        "decennie": {
            str(year): _("années %(decade)s") % {"decade": year} for year in range(2020, 1820, -10)
        },
        "ambassadeur": {directory_index.YES: _("Ambassadrice du réseau")},
        "parrainage": {
            directory_index.OFFERS: _("Prête à parrainer"),
            directory_index.SEEKS: _("Cherche un parrainage"),
        },
        "pratiques": {directory_index.YES: _("A partagé des pratiques")},
    }


@dataclass
class Near:
    """« Près de » : the commune the list is sorted from, and the radius (km) if any."""

    commune: geocoding.Commune
    radius: int | None

    @property
    def latitude(self) -> float:
        return self.commune.latitude or 0.0  # only placed communes are read

    @property
    def longitude(self) -> float:
        return self.commune.longitude or 0.0

    def degrees(self) -> tuple[float, float]:
        """Degrees of longitude are shorter away from the equator: their factor here."""
        return self.latitude, math.cos(math.radians(self.latitude))


@dataclass
class DirectoryListing:
    params: QueryDict
    query: ParsedQuery
    filters: dict[str, list[str]]
    sort: str
    page: Page
    facets: list[FacetView]
    near: Near | None = None
    errors: list[str] = field(default_factory=list)
    places: list[tuple[str, str]] = field(default_factory=list)  # communes sharing a name
    ignored: list[str] = field(default_factory=list)
    counted: bool = True
    sorts: list[tuple[str, Any, str, bool]] = field(default_factory=list)
    previous_url: str = ""
    next_url: str = ""

    @property
    def facets_counted(self) -> bool:  # as includes/facets_panel.html reads it
        return self.counted

    uncounted_facets: tuple = ()

    @property
    def active_filters(self) -> list[FacetChoice]:
        return [c for facet in self.facets for c in facet.choices if c.selected]


def read_filters(params: QueryDict, labels: dict[str, dict[str, str]]):
    """The valid filters of the address, and a French line for each value it does not know."""
    filters: dict[str, list[str]] = {}
    ignored: list[str] = []
    for param in directory_index.PARAMS:
        values: list[str] = []
        for value in params.getlist(param)[:MAX_VALUES_PER_FACET]:
            value = value.strip()
            if value in labels[param]:
                if value not in values:
                    values.append(value)
            elif value:
                ignored.append(f"{FACET_LABELS[param]} : {value[:40]}")
        if values:
            filters[param] = values
    return filters, ignored


def find_places(text: str) -> tuple[geocoding.Commune, ...]:
    """The communes « près de » may mean: by INSEE code or postcode (one), else by name (one,
    or several sharing it)."""
    text = text.strip()[:80]
    digits = text.replace(" ", "").upper()
    if len(digits) == 5 and (digits.isdigit() or digits[:2] in ("2A", "2B")):
        found = geocoding.find(code=digits) or geocoding.find(postcode=digits)
        return (found,) if found and found.placed else ()
    return tuple(commune for commune in geocoding.named(text) if commune.placed)


def read_near(params: QueryDict) -> tuple[Near | None, list[str], list[tuple[str, str]]]:
    """The place and radius of « près de », the French messages for what could not be read,
    and, for a name several communes share, each of them with the address choosing it."""
    place = params.get("pres", "").strip()
    if not place:
        return None, [], []
    communes = find_places(place)
    if len(communes) > 1:
        choices = [(f"{c.name} ({c.departement})", _with(params, pres=c.code)) for c in communes]
        message = _("Plusieurs communes s'appellent « %(place)s » : choisissez la vôtre.")
        return None, [message % {"place": place[:80]}], choices
    if not communes:
        message = _("Aucune commune ne correspond à « %(place)s » : essayez son code postal.")
        return None, [message % {"place": place[:80]}], []
    errors = []
    radius = None
    text = params.get("rayon", "").strip()
    if text:
        radius = parse_int(text) if len(text) < 8 else None
        if radius is None or not 1 <= radius <= MAX_RADIUS_KM:
            radius = None
            errors.append(
                _("Le rayon se donne en kilomètres, un nombre entier de 1 à %(max)s.")
                % {"max": MAX_RADIUS_KM}
            )
    return Near(communes[0], radius), errors, []


def _sort(params: QueryDict, query: ParsedQuery, near: Near | None) -> str:
    sort = params.get("tri", "")
    if sort == "distance" and near is None or sort == "pertinence" and query.is_empty:
        sort = ""
    if sort not in SORTS:
        sort = "distance" if near else "nom" if query.is_empty else "pertinence"
    return sort


def _squared_distance(near: Near):
    """The squared distance in degrees of latitude (flat earth: right at a radius of a few
    hundred kilometres, and it sorts the same), written with arithmetic both databases have."""
    latitude, factor = near.degrees()
    north = F("latitude") - Value(latitude)
    east = (F("longitude") - Value(near.longitude)) * Value(factor)
    return ExpressionWrapper(north * north + east * east, output_field=FloatField())


def _cooperatives(filters: dict[str, list[str]], query: ParsedQuery, near: Near | None):
    """The listed cooperatives carrying every filter, matching the query, within the radius."""
    rows: QuerySet = Cooperative.objects.listed()
    for param, values in filters.items():
        rows = rows.filter(stored.Carries([stored.token(param, value) for value in values]))
    if not query.is_empty:
        rows = fulltext.matching(rows, query, INDEX)
    if near is not None and near.radius:
        reach = near.radius / KM_PER_DEGREE
        latitude, factor = near.degrees()
        rows = rows.filter(
            latitude__range=(latitude - reach, latitude + reach),
            longitude__range=(
                near.longitude - reach / factor,
                near.longitude + reach / factor,
            ),
        )
        rows = rows.alias(distance2=_squared_distance(near)).filter(distance2__lte=reach * reach)
    return rows


def _facet_rows(filters: dict[str, list[str]]):
    """Without a query nor a place: one facet row per cooperative carrying the filters, read
    on the facet index: the rows of the facet with the fewest cooperatives, the others checked
    in each row's tokens. None when no facet can drive (only a facet whose values a
    cooperative may hold together, with several ticked: its rows would repeat cooperatives)."""
    sizes = stored.stored_counts(directory_index.LIST_NAME, scope=directory_index.SCOPE)
    tokens = {param: [stored.token(param, v) for v in values] for param, values in filters.items()}
    drivers = [
        param
        for param in tokens
        if len(tokens[param]) == 1 or param not in directory_index.SEVERAL_VALUES
    ]
    if not drivers:
        return None
    drivers.sort(key=lambda param: sum(sizes.get(t, 0) for t in tokens[param]))
    order = [drivers[0], *(param for param in tokens if param != drivers[0])]
    rows = CooperativeFacet.objects.filter(token__in=tokens[order[0]])
    for param in order[1:]:
        rows = rows.filter(stored.Carries(tokens[param]))
    return rows


def count(filters, query: ParsedQuery, near: Near | None) -> tuple[int, dict, bool]:
    """(how many, their counts by facet, whether those counts are theirs)."""
    among = None
    if query.is_empty and near is None:  # one value of one or two facets: counts kept on write
        among = stored.among(filters, pairs=directory_index.PAIRS)
    if among is not None:
        kept = stored.stored_counts(
            directory_index.LIST_NAME, scope=directory_index.SCOPE, among=among
        )
        return kept.get(stored.TOTAL, 0), stored.by_param(kept), True
    rows = _facet_rows(filters) if query.is_empty and near is None else None
    if rows is None:
        rows = _cooperatives(filters, query, near)
    # Every row read once: their exact number, and their tokens grouped while they are few.
    found, counts = stored.counts_up_to(rows.values("tokens"), COUNT_LIMIT)
    if found > COUNT_LIMIT:
        whole = stored.stored_counts(directory_index.LIST_NAME, scope=directory_index.SCOPE)
        return found, stored.by_param(whole), False
    return found, stored.by_param(counts), True


def _page_ids(filters, query: ParsedQuery, near: Near | None, sort: str):
    facet_rows = _facet_rows(filters) if query.is_empty and near is None and filters else None
    if sort == "nom" and facet_rows is not None:
        ordered = facet_rows.order_by("sort_name", "cooperative_id")
        return ordered.values_list("cooperative_id", flat=True)
    rows = _cooperatives(filters, query, near)
    if sort == "pertinence":
        rows = fulltext.ranked(rows, query, INDEX).order_by("-relevance", "sort_name", "pk")
    elif sort == "distance" and near is not None:
        rows = rows.annotate(distance2=_squared_distance(near)).order_by(
            F("distance2").asc(nulls_last=True), "sort_name", "pk"
        )
    elif sort == "recentes":
        rows = rows.order_by("-added_at", "-pk")
    else:
        rows = rows.order_by("sort_name", "pk")
    return rows.values_list("pk", flat=True)


def _cards(ids: list[int], near: Near | None) -> list[Cooperative]:
    # Not their texts (presentation, search fields): a card shows none of them.
    found = (
        Cooperative.objects.with_card()
        .defer("description", "search_title", "search_head", "search_body", "tokens")
        .in_bulk(ids)
    )
    cards = [found[pk] for pk in ids if pk in found]
    if near is not None:
        latitude, factor = near.degrees()
        for card in cards:
            if card.latitude is not None:
                north = card.latitude - latitude
                east = (card.longitude - near.longitude) * factor
                card.distance_km = round(math.hypot(north, east) * KM_PER_DEGREE)
    return cards


def _facet_views(counts, params, filters, labels, *, counted: bool) -> list[FacetView]:
    views = []
    links = facet_links()
    for param in directory_index.PARAMS:
        selected = filters.get(param, [])
        broader = NARROWER.get(param, ())
        if broader and not selected and not any(other in filters for other in broader):
            continue
        values = dict(counts.get(param, {}))
        for value in selected:
            values.setdefault(value, 0)
        names = labels[param]
        ordered = list(values)
        if param in ALPHABETICAL:
            ordered.sort(key=lambda v: fold(str(names.get(v, v))))
        else:
            rank = {value: position for position, value in enumerate(names)}
            ordered.sort(key=lambda v: rank.get(v, len(rank)))
        toggle = toggler(params, param)
        choices = [
            FacetChoice(
                value=value,
                label=str(names.get(value, value)),
                count=values[value] if counted else None,
                selected=value in selected,
                url=toggle(value),
            )
            for value in ordered
        ]
        if choices:
            views.append(
                FacetView(
                    param=param,
                    label=FACET_LABELS[param],
                    choices=choices,
                    links_html=links(choices),
                )
            )
    return views


def _with(params: QueryDict, **changes: str) -> str:
    copy = params.copy()
    copy.pop("page", None)
    for key, value in changes.items():
        copy[key] = value
    return "?" + copy.urlencode()


def _clean(params: QueryDict, text: str, filters: dict[str, list[str]], sort: str) -> QueryDict:
    """The address's parameters as the list read them, what its links start from: the query as
    searched, the valid filters, the place and radius as typed, the sort if one was chosen."""
    clean = QueryDict(mutable=True)
    if text:
        clean["q"] = text
    for param, values in filters.items():
        clean.setlist(param, values)
    for key in ("pres", "rayon"):
        if params.get(key, "").strip():
            clean[key] = params.get(key, "").strip()[:80]
    if params.get("tri") == sort:
        clean["tri"] = sort
    return clean


def build(request, labels: dict[str, dict[str, str]] | None = None) -> DirectoryListing:
    labels = labels or facet_labels()
    filters, ignored = read_filters(request.GET, labels)
    text = cut_query(request.GET.get("q", ""))[0]
    query = parsed_query(text, request)
    near, errors, places = read_near(request.GET)
    sort = _sort(request.GET, query, near)
    params = _clean(request.GET, text, filters, sort)
    total, counts, counted = count(filters, query, near)
    if counted:
        for param in filters:  # a ticked facet: its values among the other filters
            others = {other: values for other, values in filters.items() if other != param}
            _n, among, others_counted = count(others, query, near)
            counts[param] = among.get(param, {}) if others_counted else {}
    paginator = Paginator(_page_ids(filters, query, near, sort), PER_PAGE)
    paginator.count = total  # type: ignore[misc]
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = _cards(list(page.object_list), near)
    available = [
        key
        for key in SORTS
        if (key != "distance" or near) and (key != "pertinence" or not query.is_empty)
    ]
    return DirectoryListing(
        params=params,
        query=query,
        filters=filters,
        sort=sort,
        page=page,
        facets=_facet_views(counts, params, filters, labels, counted=counted),
        near=near,
        errors=errors,
        places=places,
        ignored=ignored,
        counted=counted,
        sorts=[(key, SORTS[key], _with(params, tri=key), key == sort) for key in available],
        previous_url=_with(params, page=str(page.previous_page_number()))
        if page.has_previous()
        else "",
        next_url=_with(params, page=str(page.next_page_number())) if page.has_next() else "",
    )


def _address(request):
    """What the map and the exports read of the list's address: its filters, query, place,
    and the messages and choices of a « près de » that cannot be read."""
    params = request.GET
    filters, _ignored = read_filters(params, facet_labels())
    query = parsed_query(cut_query(params.get("q", ""))[0], request)
    near, errors, places = read_near(params)
    return filters, query, near, errors, places


def page_prefix() -> str:
    """The address of a cooperative's page without its slug: one reverse() for a whole file
    or map, each page written from it."""
    return reverse("directory:cooperative_detail", kwargs={"slug": "-"})[:-2]


def ordered_ids(request) -> tuple[QuerySet | None, list[str]]:
    """The ids of every cooperative the list at this address shows, in its order (every page
    of it: an export), or None and the messages of a « près de » that cannot be read (unknown,
    a name several communes share, a radius that is not a number): a file would otherwise
    hold what the person did not ask for."""
    filters, query, near, errors, places = _address(request)
    if errors or places:
        return None, errors
    return _page_ids(filters, query, near, _sort(request.GET, query, near)), []


def points(request) -> dict[str, Any]:
    """The placed cooperatives of the list the address describes, as GeoJSON: what the map
    draws, with what a popup shows (name, legal form, commune, link)."""
    filters, query, near, _errors, _places = _address(request)
    rows = _cooperatives(filters, query, near).filter(latitude__isnull=False)
    prefix = page_prefix()

    def page_of(slug: str) -> str:
        return f"{prefix}{slug}/"

    families = dict(Cooperative.Family.choices)
    forms = dict(Cooperative.CompanyForm.choices)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
            "properties": {
                "name": name,
                "url": page_of(slug),
                "form": f"{families.get(family, family)} {forms.get(form, form)}",
                "commune": commune,
            },
        }
        for name, slug, family, form, commune, lat, lon in rows.order_by("pk").values_list(
            "name", "slug", "family", "company_form", "commune", "latitude", "longitude"
        )
    ]
    return {"type": "FeatureCollection", "features": features}
