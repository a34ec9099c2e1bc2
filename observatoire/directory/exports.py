"""The directory as open data: the cooperatives of a list (its filters, search and « près de »
from the address, as /annuaire/ reads them) in CSV or GeoJSON, every cooperative in one file.

Public fields only: what a visitor reads on a cooperative's page, the same for everybody. The
columns (``COLUMNS``) are documented in the README for Transiscope or a GoGoCarto instance,
which import either file: CSV with French headers, UTF-8 with a byte order mark and semicolons
(what a spreadsheet in French opens as is), GeoJSON with the same fields under stable keys.

A text a person typed (a name, a commune, a website) may start with ``=``, ``+``, ``-`` or
``@``: a spreadsheet would run it as a formula (« formula injection »). In the CSV such a cell
starts with an apostrophe, which spreadsheets show as text and do not keep; numbers the
directory writes itself (coordinates, years) are left as they are. The GeoJSON is data for
programs, written as typed.
"""

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils import translation

from observatoire.directory import listing
from observatoire.lib.mail import absolute_url
from observatoire.network import naf
from observatoire.network.models import Cooperative, LocationPrecision

# What a spreadsheet reads as the start of a formula (OWASP: « CSV injection »), tab and
# carriage return included.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000  # rows read at a time: a file of 10,000 cooperatives never sits whole in memory
FIELDS = (
    "pk",
    "name",
    "slug",
    "siren",
    "siret",
    "family",
    "company_form",
    "naf_code",
    "sector__name",
    "federation__short_name",
    "union__short_name",
    "postcode",
    "commune",
    "commune_code",
    "departement__code",
    "departement__name",
    "departement__region__name",
    "latitude",
    "longitude",
    "location_precision",
    "headcount",
    "founded_year",
    "website",
    "ambassador",
    "offers_mentoring",
    "seeks_mentoring",
    "added_at",
)


@dataclass(frozen=True)
class Column:
    key: str  # the GeoJSON property
    header: str  # the CSV header: in French, whatever the language of the page (imports map them)
    value: Callable[[dict], Any]
    typed: bool = False  # written by the directory itself (numbers): never taken for a formula


def _yes(field: str) -> Callable[[dict], str]:
    return lambda row: "oui" if row[field] else "non"


CHOICES = {
    "family": Cooperative.Family.choices,
    "company_form": Cooperative.CompanyForm.choices,
    "location_precision": LocationPrecision.choices,
    "headcount": Cooperative.Headcount.choices,
}


@cache
def _french(field: str) -> dict[str, str]:
    """The French labels of a field's choices: a file says the same whoever downloads it."""
    with translation.override("fr"):
        return {value: str(label) for value, label in CHOICES[field]}


def _choice(field: str) -> Callable[[dict], str]:
    return lambda row: _french(field).get(row[field], row[field] or "")


def _text(field: str) -> Callable[[dict], str]:
    return lambda row: row[field] or ""


COLUMNS = (
    Column("nom", "Nom", _text("name")),
    Column("siren", "SIREN", _text("siren")),
    Column("siret_siege", "SIRET du siège", _text("siret")),
    Column("statut", "Statut", _choice("family")),
    Column(
        "forme_societe",
        "Forme de société",
        _choice("company_form"),
    ),
    Column("code_naf", "Code NAF", _text("naf_code")),
    Column("activite", "Activité (NAF)", lambda row: naf.label(row["naf_code"] or "")),
    Column("secteur", "Secteur", _text("sector__name")),
    Column("federation", "Fédération", _text("federation__short_name")),
    Column("union_regionale", "Union régionale", _text("union__short_name")),
    Column("code_postal", "Code postal", _text("postcode")),
    Column("commune", "Commune", _text("commune")),
    Column("code_insee", "Code INSEE de la commune", _text("commune_code")),
    Column("departement", "Département", _text("departement__name")),
    Column("code_departement", "Code du département", _text("departement__code")),
    Column("region", "Région", _text("departement__region__name")),
    Column("latitude", "Latitude", lambda row: _degrees(row["latitude"]), typed=True),
    Column("longitude", "Longitude", lambda row: _degrees(row["longitude"]), typed=True),
    Column(
        "precision",
        "Précision de la position",
        _choice("location_precision"),
    ),
    Column("effectif", "Effectif", _choice("headcount")),
    Column(
        "annee_creation",
        "Année de création",
        lambda row: row["founded_year"] or "",
        typed=True,
    ),
    Column("site_web", "Site web", _text("website")),
    Column("ambassadrice", "Ambassadrice du réseau", _yes("ambassador")),
    Column("parrainage_propose", "Prête à parrainer", _yes("offers_mentoring")),
    Column("parrainage_cherche", "Cherche un parrainage", _yes("seeks_mentoring")),
    Column(
        "inscrite_le",
        "Inscrite à l'annuaire le",
        lambda row: row["added_at"].date().isoformat() if row["added_at"] else "",
        typed=True,
    ),
    Column("page", "Page dans l'annuaire", lambda row: row["page"], typed=True),
)


def _degrees(value: float | None) -> float | str:
    return "" if value is None else round(value, 5)


def spreadsheet_safe(text: str) -> str:
    """``text`` as a spreadsheet shows it without running it: an apostrophe before what would
    start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _rows(ids) -> Iterator[dict]:
    """Each cooperative's fields, ``CHUNK`` at a time, in the order of ``ids`` (a queryset of
    primary keys), with the address of its page."""
    site = absolute_url(listing.page_prefix())
    order = list(ids)
    for start in range(0, len(order), CHUNK):
        chunk = order[start : start + CHUNK]
        found = {row["pk"]: row for row in Cooperative.objects.filter(pk__in=chunk).values(*FIELDS)}
        for pk in chunk:
            row = found.get(pk)
            if row is not None:
                row["page"] = f"{site}{row['slug']}/"
                yield row


def csv_lines(ids) -> Iterator[str]:
    """The CSV, line after line: a byte order mark, the French headers, a cooperative a line."""

    class Line:
        def write(self, text: str) -> str:
            return text

    writer = csv.writer(Line(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([column.header for column in COLUMNS])
    for row in _rows(ids):
        yield writer.writerow(
            [
                value if column.typed else spreadsheet_safe(str(value))
                for column in COLUMNS
                for value in (column.value(row),)
            ]
        )


def geojson_chunks(ids) -> Iterator[str]:
    """A GeoJSON FeatureCollection, a feature a cooperative (without a position: a null
    geometry, as GeoJSON allows), its properties under the keys of ``COLUMNS``."""
    yield '{"type":"FeatureCollection","features":['
    first = True
    for row in _rows(ids):
        geometry = None
        if row["latitude"] is not None and row["longitude"] is not None:
            geometry = {
                "type": "Point",
                "coordinates": [round(row["longitude"], 5), round(row["latitude"], 5)],
            }
        feature = {
            "type": "Feature",
            "geometry": geometry,
            "properties": {column.key: column.value(row) for column in COLUMNS},
        }
        yield ("" if first else ",") + json.dumps(
            feature, ensure_ascii=False, separators=(",", ":")
        )
        first = False
    yield "]}"
