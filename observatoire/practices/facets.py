"""Facets of the practice list: what can be filtered on, all kept in the URL.

Within a facet, several values widen the list (OR); different facets narrow it (AND), so a
facet with a ticked value counts its values in the list filtered on the other facets alone
(listing.py, ``_ticked_facet_counts``). A filter reads the practices' facet tokens
(``PracticeFacet``, one indexed row per « param:value », facet_rows.py), and counts come from
the stored counts or one grouped query over those rows (search/facets.py), never from ids read
into Python.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Exists, F, OuterRef, QuerySet, Value, Window
from django.db.models.functions import RowNumber
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
        """The practices carrying one of ``values``: one lookup a practice tested on the facet
        rows' unique (practice, token) index. ``pk IN (…)`` made SQLite first list every
        practice carrying the value (35,000 for « forme:scop », 20 ms) even when the search
        had a few dozen candidates; PostgreSQL plans both as the same semi-join."""
        tokens = [token(self.param, v) for v in values]
        return queryset.filter(
            Exists(PracticeFacet.objects.filter(practice_id=OuterRef("pk"), token__in=tokens))
        )


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


# The reference rows a facet shows, in their own order, in one query compiled once per process
# (lib/prepared.py): five queries cost five round trips to the database on every list.
def _labelled(queryset: QuerySet, facet: str, value: str, label: str) -> QuerySet:
    """The facet's name, each row's value and label, and its rank in the model's order."""
    order = [
        F(field[1:]).desc() if field.startswith("-") else F(field).asc()
        for field in queryset.model._meta.ordering
    ]
    return (
        queryset.order_by()
        .annotate(
            facet=Value(facet, output_field=CharField()), rank=Window(RowNumber(), order_by=order)
        )
        .values_list("facet", value, label, "rank")
    )


def _all_labels() -> QuerySet:
    first, *others = [
        _labelled(Category.objects.all(), "categorie", "slug", "name"),
        _labelled(Theme.objects.all(), "theme", "slug", "name"),
        _labelled(Sector.objects.all(), "secteur", "code", "name"),
        _labelled(
            Organisation.objects.filter(kind=Organisation.Kind.UNION), "ur", "slug", "short_name"
        ),
        _labelled(Region.objects.all(), "region", "code", "name"),
    ]
    return first.union(*others, all=True).order_by()


all_labels = Prepared(_all_labels, name="facet_labels")


def choice_labels() -> dict[str, dict[str, str]]:
    """The label of every possible value, per facet: what a checkbox shows, in the order of
    the reference rows (categories, themes, sectors, UR, régions: a few rows, one query)."""
    labels: dict[str, dict[str, str]] = {
        facet: {} for facet in ("categorie", "theme", "secteur", "ur", "region")
    }
    for facet, value, label, _rank in sorted(all_labels(), key=lambda row: (row[0], row[3])):
        labels[facet][value] = label
    return {
        "categorie": labels["categorie"],
        "theme": labels["theme"],
        "forme": {value: str(label) for value, label in Cooperative.Family.choices},
        "effectif": {value: str(label) for value, label in Cooperative.Headcount.choices},
        "secteur": labels["secteur"],
        "ur": labels["ur"],
        "region": labels["region"],
    }
