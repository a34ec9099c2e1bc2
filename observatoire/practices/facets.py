"""Facets of the practice list: what can be filtered on, all kept in the URL.

Within a facet, several values widen the list (OR); different facets narrow it (AND). A filter
reads the practices' facet tokens (``PracticeFacet``, one indexed row per « param:value »,
facet_rows.py), and counts come from the stored counts or one grouped query over those rows
(search/facets.py), never from ids read into Python.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from observatoire.lib.prepared import Prepared
from observatoire.network.models import Cooperative, Organisation, Region, Sector
from observatoire.practices.models import Category, PracticeFacet, Theme
from observatoire.search.facets import token


@dataclass(frozen=True)
class Facet:
    param: str  # name in the URL, and in the tokens
    label: Any

    def filter(self, queryset: QuerySet, values: list[str]) -> QuerySet:
        rows = PracticeFacet.objects.filter(token__in=[token(self.param, v) for v in values])
        return queryset.filter(pk__in=rows.values("practice_id"))


FACETS = [
    Facet("categorie", _("Catégorie")),
    Facet("theme", _("Thème")),
    Facet("forme", _("Statut coopératif")),
    Facet("effectif", _("Effectif")),
    Facet("secteur", _("Secteur d'activité")),
    Facet("ur", _("Union régionale")),
    Facet("region", _("Région")),
    Facet("annee", _("Année de publication")),
]
FACETS_BY_PARAM = {facet.param: facet for facet in FACETS}


# The reference rows a facet shows, compiled once per process (lib/prepared.py).
_LABEL_QUERIES = {
    "categorie": Prepared(lambda: Category.objects.values_list("slug", "name")),
    "theme": Prepared(lambda: Theme.objects.values_list("slug", "name")),
    "secteur": Prepared(lambda: Sector.objects.values_list("code", "name")),
    "ur": Prepared(
        lambda: Organisation.objects.filter(kind=Organisation.Kind.UNION).values_list(
            "slug", "short_name"
        )
    ),
    "region": Prepared(lambda: Region.objects.values_list("code", "name")),
}


def choice_labels() -> dict[str, dict[str, str]]:
    """The label of every possible value, per facet: what a checkbox shows, in the order of
    the reference rows (categories, themes, sectors, UR, régions: a few rows, a query each)."""
    labels = {param: dict(query()) for param, query in _LABEL_QUERIES.items()}
    return {
        "categorie": labels["categorie"],
        "theme": labels["theme"],
        "forme": {value: str(label) for value, label in Cooperative.Family.choices},
        "effectif": {value: str(label) for value, label in Cooperative.Headcount.choices},
        "secteur": labels["secteur"],
        "ur": labels["ur"],
        "region": labels["region"],
    }
