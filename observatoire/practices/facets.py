"""Facets of the practice list: what can be filtered on, with counts, all kept in the URL.

Within a facet, several values widen the list (OR); different facets narrow it (AND). Counts
are those of the current results. Each facet costs one query whatever the page size.
"""

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, F, Func, QuerySet
from django.utils.translation import gettext_lazy as _

from observatoire.network.models import Cooperative, Organisation, Region, Sector
from observatoire.practices.models import Category, Practice, Theme

PracticeCooperative = Practice.cooperatives.through
PracticeTheme = Practice.themes.through


class IdIn(Func):
    """``field`` is one of ``ids``, sent as a single parameter whatever their number (an array
    on PostgreSQL, a JSON list read by json_each on SQLite) instead of one per id."""

    output_field = BooleanField()

    def __init__(self, field, ids: list[int]):
        self.ids = [int(value) for value in ids]
        super().__init__(field)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        if connection.vendor == "postgresql":
            return f"{sql} = ANY(%s)", [*params, self.ids]
        return f"{sql} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(self.ids)]


@dataclass(frozen=True)
class Facet:
    param: str  # name in the URL
    label: Any
    through: Any  # model counted: Practice itself or a many-to-many link table
    value_path: str  # value's path from ``through``
    practice_path: str  # practice id's path from ``through``

    def filter(self, queryset: QuerySet, values: list[str]) -> QuerySet:
        if self.through is Practice:
            return queryset.filter(**{f"{self.value_path}__in": values})
        matching = self.through.objects.filter(**{f"{self.value_path}__in": values})
        return queryset.filter(pk__in=matching.values(self.practice_path))

    def counts(self, ids: list[int]) -> dict[str, int]:
        """Counts of each value among the practices ``ids`` (the current results).

        The results' ids are read once and passed as one array: re-running the search in
        every facet's subquery cost a full scan each for broad queries.
        """
        if self.through is Practice:
            rows = (
                Practice.objects.filter(IdIn(F("pk"), ids))
                .order_by()
                .values(self.value_path)
                .annotate(n=Count("pk"))
            )
        else:
            rows = (
                self.through.objects.filter(IdIn(F(self.practice_path), ids))
                .order_by()
                .values(self.value_path)
                .annotate(n=Count(self.practice_path, distinct=True))
            )
        return {
            str(row[self.value_path]): row["n"] for row in rows if row[self.value_path] is not None
        }


FACETS = [
    Facet("categorie", _("Catégorie"), Practice, "category__slug", "pk"),
    Facet("theme", _("Thème"), PracticeTheme, "theme__slug", "practice_id"),
    Facet(
        "forme", _("Statut coopératif"), PracticeCooperative, "cooperative__family", "practice_id"
    ),
    Facet("effectif", _("Effectif"), PracticeCooperative, "cooperative__headcount", "practice_id"),
    Facet(
        "secteur",
        _("Secteur d'activité"),
        PracticeCooperative,
        "cooperative__sector__code",
        "practice_id",
    ),
    Facet(
        "ur", _("Union régionale"), PracticeCooperative, "cooperative__union__slug", "practice_id"
    ),
    Facet(
        "region",
        _("Région"),
        PracticeCooperative,
        "cooperative__departement__region__code",
        "practice_id",
    ),
    Facet("annee", _("Année de publication"), Practice, "published_year", "pk"),
]
FACETS_BY_PARAM = {facet.param: facet for facet in FACETS}


def choice_labels() -> dict[str, dict[str, str]]:
    """The label of every possible value, per facet: what a checkbox shows.

    Reference rows (categories, themes, sectors, UR, régions) are few; they are read in one
    query each and could be cached, as they change rarely.
    """
    return {
        "categorie": dict(Category.objects.values_list("slug", "name")),
        "theme": dict(Theme.objects.values_list("slug", "name")),
        "forme": {value: str(label) for value, label in Cooperative.Family.choices},
        "effectif": {value: str(label) for value, label in Cooperative.Headcount.choices},
        "secteur": dict(Sector.objects.values_list("code", "name")),
        "ur": dict(
            Organisation.objects.filter(kind=Organisation.Kind.UNION).values_list(
                "slug", "short_name"
            )
        ),
        "region": dict(Region.objects.values_list("code", "name")),
    }
