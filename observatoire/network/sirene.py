"""Import of cooperatives from an extract of the SIRENE register (INSEE), all or nothing.

The file is a CSV as INSEE publishes it (StockEtablissement, or an export of sirene.fr, unité
légale columns joined or not): comma or semicolon, UTF-8 (BOM or not) or Windows-1252, INSEE's
column names. Every line is checked first; one error anywhere and nothing is written, and the
report names each line (the header is line 1, as a spreadsheet shows) and column at fault.
A clean file is written in one transaction, in batches, each cooperative with its indexed
fields, facet rows and version; the directory's counts and vocabulary once at the end.

- A cooperative is known by its SIREN: a new one is created, a known one updated. Only head
  offices are read (``etablissementSiege``); the other lines are counted and skipped.
- Its legal form comes from ``categorieJuridiqueUniteLegale`` and data/categories_juridiques.csv
  (staff may edit it). INSEE has no category for a Scic or a CAE: the family comes from the
  file's optional ``famille`` column, else the category, else the cooperative's own, else the
  import's default (``--famille``). A CAE stays a CAE when the register says « Scop »: a CAE is
  a Scop or a Scic by law, which the register cannot tell.
- INSEE's headcount bands are grouped as the movement reports them (HEADCOUNT); an empty band
  keeps the cooperative's, and a new one starts at « 0-4 ».
- Closed in the register (establishment « F » or unité légale « C »): ``closed_on`` is set
  (``dateDebut``, else the date it already had, else the import's), never deleted; active
  again, it is cleared.
- What a person edited (the fields of the versions they authored) is kept unless
  ``overwrite``; the report says which. Each cooperative created or changed gets a version
  (author None) naming the fields the import changed.
"""

import csv
import datetime
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import batched
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from observatoire.lib import bulk
from observatoire.lib.identifiers import luhn_is_valid, validate_siret
from observatoire.lib.numbers import is_ascii_digits
from observatoire.network import directory_index, geocoding, naf
from observatoire.network.models import (
    Cooperative,
    CooperativeVersion,
    Departement,
    LocationPrecision,
    Organisation,
    Sector,
)

CATEGORIES = Path(__file__).resolve().parents[2] / "data" / "categories_juridiques.csv"
MAX_BYTES = 200 * 1024 * 1024  # a StockEtablissement of 100 000 lines is about 40 Mo
MAX_CELL = 250  # no cell read here is longer (the longest field is the address)
BATCH = 1000
SOURCE = "sirene"  # in the data of the versions an import adds: who wrote them

# The columns read; for several, the first one with a value wins.
SIREN = "siren"
SIRET, NIC = "siret", "nic"
NAME = ("denominationUniteLegale", "denominationUsuelleEtablissement", "enseigne1Etablissement")
NAF = ("activitePrincipaleEtablissement", "activitePrincipaleUniteLegale")
CATEGORY = "categorieJuridiqueUniteLegale"
HEADCOUNT_COLUMNS = ("trancheEffectifsEtablissement", "trancheEffectifsUniteLegale")
CREATED = ("dateCreationEtablissement", "dateCreationUniteLegale")
NUMBER, REPEAT, STREET_TYPE, STREET, COMPLEMENT = (
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "complementAdresseEtablissement",
)
POSTCODE, COMMUNE_NAME, COMMUNE_CODE = (
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "codeCommuneEtablissement",
)
STATE, UNIT_STATE, SINCE = (
    "etatAdministratifEtablissement",
    "etatAdministratifUniteLegale",
    "dateDebut",
)
HEAD_OFFICE = "etablissementSiege"
FAMILY = "famille"
COLUMNS = (
    SIREN,
    SIRET,
    NIC,
    *NAME,
    *NAF,
    CATEGORY,
    *HEADCOUNT_COLUMNS,
    *CREATED,
    NUMBER,
    REPEAT,
    STREET_TYPE,
    STREET,
    COMPLEMENT,
    POSTCODE,
    COMMUNE_NAME,
    COMMUNE_CODE,
    STATE,
    UNIT_STATE,
    SINCE,
    HEAD_OFFICE,
    FAMILY,
)

# INSEE's bands (tranche d'effectif salarié) → the movement's.
HEADCOUNT = {
    "NN": "0-4",  # no employee in the year
    "00": "0-4",
    "01": "0-4",  # 1 or 2
    "02": "0-4",  # 3 to 5
    "03": "5-9",  # 6 to 9
    "11": "10-19",
    "12": "20-49",
    "21": "50-99",
    "22": "100-249",  # 100 to 199
    "31": "100-249",  # 200 to 249
    "32": "250+",
    "41": "250+",
    "42": "250+",
    "51": "250+",
    "52": "250+",
    "53": "250+",
}
NEW_HEADCOUNT = "0-4"

# INSEE's abbreviations of street types (typeVoieEtablissement), written out.
STREET_TYPES = {
    "ALL": "allée",
    "AV": "avenue",
    "BD": "boulevard",
    "CAR": "carrefour",
    "CHE": "chemin",
    "CHS": "chaussée",
    "CITE": "cité",
    "COR": "corniche",
    "CRS": "cours",
    "DOM": "domaine",
    "DSC": "descente",
    "ECA": "écart",
    "ESP": "esplanade",
    "FG": "faubourg",
    "GR": "grande rue",
    "HAM": "hameau",
    "HLE": "halle",
    "IMP": "impasse",
    "LD": "lieu-dit",
    "LOT": "lotissement",
    "MAR": "marché",
    "MTE": "montée",
    "PARC": "parc",
    "PAS": "passage",
    "PASS": "passage",
    "PL": "place",
    "PLN": "plaine",
    "PLT": "plateau",
    "PRO": "promenade",
    "PRV": "parvis",
    "QUA": "quartier",
    "QUAI": "quai",
    "RES": "résidence",
    "RLE": "ruelle",
    "ROC": "rocade",
    "RPT": "rond-point",
    "RTE": "route",
    "RUE": "rue",
    "SEN": "sentier",
    "SQ": "square",
    "TPL": "terre-plein",
    "TRA": "traverse",
    "VLA": "villa",
    "VLGE": "village",
    "ZA": "zone artisanale",
    "ZAC": "zone d'aménagement concerté",
    "ZI": "zone industrielle",
}
REPETITIONS = {"B": "bis", "T": "ter", "Q": "quater", "C": "quinquies"}

# What the import writes; a version's ``changed`` names them so.
IMPORTED = (
    "name",
    "siret",
    "family",
    "company_form",
    "address",
    "commune",
    "commune_code",
    "postcode",
    "latitude",
    "longitude",
    "location_precision",
    "departement",
    "union",
    "naf_code",
    "sector",
    "headcount",
    "founded_year",
    "closed_on",
)
POINT = ("latitude", "longitude", "location_precision")
# What a version keeps of a page: what a person edits (directory/editing.py) and the register.
PAGE = ("description", "website", "contact_email", "contact_phone", "contact_public", *POINT)
REGISTER = (
    "name",
    "siren",
    "siret",
    "family",
    "company_form",
    "address",
    "commune",
    "commune_code",
    "postcode",
    "naf_code",
    "headcount",
    "founded_year",
)

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?|(\d{2})/(\d{2})/(\d{4})")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
TRUE, FALSE = {"true", "oui", "o", "1", "vrai"}, {"false", "non", "n", "0", "faux"}


# Wraps the items of a long step (their number, what the step is) to show its progress.
Progress = Callable[[Iterator, int, str], Iterable]


def _unchanged(items: Iterator, total: int, label: str) -> Iterator:
    return items


class Refused(Exception):
    """The file as a whole cannot be read: its message says why, in French."""


@dataclass
class Kept:
    line: int
    siren: str
    name: str
    fields: list[str]


@dataclass
class Report:
    dry_run: bool = False
    lines: int = 0  # data lines read
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0  # newly closed in the register
    reopened: int = 0
    skipped: int = 0  # establishments that are not the head office
    kept: list[Kept] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> list[str]:
        """The report in French, a sentence a line."""
        if self.errors:
            return [
                _("Import refusé : %(n)s erreur(s), rien n'a été écrit.") % {"n": len(self.errors)}
            ]
        lines = [
            (
                _("Essai à blanc : rien n'a été écrit. Lignes lues : %(n)s.")
                if self.dry_run
                else _("Lignes lues : %(n)s.")
            )
            % {"n": self.lines},
            _(
                "Coopératives créées : %(created)s ; mises à jour : %(updated)s ; "
                "inchangées : %(unchanged)s."
            )
            % {"created": self.created, "updated": self.updated, "unchanged": self.unchanged},
            _("Fermées au registre : %(closed)s ; rouvertes : %(reopened)s.")
            % {"closed": self.closed, "reopened": self.reopened},
            _("Établissements secondaires ignorés : %(n)s.") % {"n": self.skipped},
        ]
        for kept in self.kept:
            lines.append(
                _("ligne %(line)s, %(siren)s (%(name)s) : modifié à la main, gardé : %(fields)s.")
                % {
                    "line": kept.line,
                    "siren": kept.siren,
                    "name": kept.name,
                    "fields": ", ".join(
                        str(getattr(Cooperative._meta.get_field(name), "verbose_name", name))
                        for name in kept.fields
                    ),
                }
            )
        return lines


@dataclass(frozen=True)
class Category:
    family: str  # "" when the register cannot tell
    form: str


def categories(path: Path = CATEGORIES) -> dict[str, Category]:
    """The legal categories read as cooperatives (data/categories_juridiques.csv)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise Refused(_("Table des catégories juridiques illisible : %s") % error) from error
    found = {}
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        code = (row.get("code") or "").strip()
        family = (row.get("famille") or "").strip().lower()
        form = (row.get("forme") or "").strip().lower()
        if (
            not code
            or family not in ("", *Cooperative.Family.values)
            or form not in Cooperative.CompanyForm.values
        ):
            raise Refused(
                _(
                    "data/categories_juridiques.csv, ligne %(line)s : "
                    "code, famille ou forme invalide."
                )
                % {"line": number}
            )
        found[code] = Category(family, form)
    return found


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (BOM or not), else Windows-1252; a binary file is refused."""
    if len(data) > MAX_BYTES:
        raise Refused(
            _("Le fichier est trop gros (%(size)s Mo, %(max)s Mo au plus).")
            % {"size": len(data) // 2**20, "max": MAX_BYTES // 2**20}
        )
    if not data.strip():
        raise Refused(_("Le fichier est vide."))
    if b"\x00" in data[:65536]:
        raise Refused(_("Ce fichier n'est pas un fichier CSV (contenu binaire)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise Refused(
                _("Encodage non reconnu : ni UTF-8 ni Windows-1252 (Latin-1).")
            ) from error
    if _CONTROL.search(text[:65536]):
        raise Refused(_("Ce fichier n'est pas un fichier CSV (contenu binaire)."))
    return text


def rows(text: str) -> tuple[dict[str, int], Iterator[tuple[int, list[str]]]]:
    """The header (each known column's position) and the data lines, numbered as a
    spreadsheet numbers them (the header is line 1); blank lines are left out."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise Refused(_("Ce fichier n'est pas un fichier CSV lisible.")) from error
    known = {column.lower(): column for column in COLUMNS}
    positions: dict[str, int] = {}
    for position, name in enumerate(header):
        column = known.get(name.strip().strip('"').lower())
        if column is not None and column not in positions:
            positions[column] = position

    def lines() -> Iterator[tuple[int, list[str]]]:
        number = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise Refused(
                    _("ligne %(line)s : CSV illisible (%(error)s).")
                    % {"line": number + 1, "error": error}
                ) from error
            number += 1
            if any(cell.strip() for cell in row):
                yield number, row

    return positions, lines()


def missing_columns(positions: dict[str, int]) -> list[str]:
    missing = []
    if SIREN not in positions:
        missing.append(SIREN)
    if not any(name in positions for name in NAME):
        missing.append(" ou ".join(NAME))
    if CATEGORY not in positions:
        missing.append(CATEGORY)
    if COMMUNE_CODE not in positions and not (POSTCODE in positions and COMMUNE_NAME in positions):
        missing.append(f"{COMMUNE_CODE} ou ({POSTCODE} et {COMMUNE_NAME})")
    return missing


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"


def _date(value: str) -> datetime.date | None:
    match = _DATE.fullmatch(value)
    if match is None:
        raise ValueError(value)
    year, month, day = match.group(1, 2, 3) if match.group(1) else match.group(6, 5, 4)
    return datetime.date(int(year), int(month), int(day))


def street_line(cells: dict[str, str]) -> str:
    """« 12 BIS RUE DES LILAS, BATIMENT B »: the register's words, its abbreviations written
    out (in capitals when the register writes the street in capitals)."""
    street = cells.get(STREET, "")
    kind = cells.get(STREET_TYPE, "")
    expanded = STREET_TYPES.get(kind.upper().rstrip("."), kind)
    repeat = cells.get(REPEAT, "")
    repeat = REPETITIONS.get(repeat.upper(), repeat.lower())
    if street.isupper():
        expanded, repeat = expanded.upper(), repeat.upper()
    line = " ".join(filter(None, [cells.get(NUMBER, ""), repeat, expanded, street]))
    return ", ".join(filter(None, [line, cells.get(COMPLEMENT, "")]))


@dataclass
class Line:
    """One head office's line, checked: what the register says of the cooperative."""

    number: int
    siren: str
    siret: str
    name: str
    family: str  # from the file's column or the category; "" when neither tells
    family_told: bool  # by the file's column
    company_form: str
    naf_code: str  # "" keeps the cooperative's
    headcount: str  # "" keeps the cooperative's
    founded_year: int | None  # None keeps the cooperative's
    address: str
    commune: geocoding.Commune
    postcode: str
    closed: bool
    closed_since: datetime.date | None  # dateDebut, for a closed one


class Checker:
    """Reads each line into a ``Line``, or into errors naming the line and the column."""

    def __init__(self, positions: dict[str, int]):
        self.positions = positions
        self.categories = categories()
        self.departements = {d.code: d for d in Departement.objects.all()}
        self.errors: list[str] = []
        self.seen: dict[str, int] = {}
        self.skipped = 0

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append(
            _("ligne %(line)s, %(column)s : %(message)s")
            % {"line": line, "column": column, "message": message}
        )

    def cells(self, row: list[str]) -> dict[str, str]:
        return {
            column: row[position].strip() if position < len(row) else ""
            for column, position in self.positions.items()
        }

    def first(self, cells: dict[str, str], columns: Iterable[str]) -> tuple[str, str]:
        """The first of ``columns`` with a value, and its value; ("", "") when none has."""
        for column in columns:
            if cells.get(column):
                return column, cells[column]
        return "", ""

    def check(self, number: int, row: list[str]) -> Line | None:
        cells = self.cells(row)
        before = len(self.errors)
        for column, value in cells.items():
            if len(value) > MAX_CELL:
                self.error(
                    number,
                    column,
                    _("%(n)s caractères, %(max)s au plus.") % {"n": len(value), "max": MAX_CELL},
                )
                cells[column] = ""
        if len(self.errors) > before:
            return None
        head_office = cells.get(HEAD_OFFICE, "").lower()
        if head_office in FALSE:
            self.skipped += 1
            return None
        if head_office and head_office not in TRUE:
            self.error(number, HEAD_OFFICE, _("« %s » : true ou false attendu.") % head_office)

        siren = "".join(cells.get(SIREN, "").split())
        if not siren:
            self.error(number, SIREN, _("obligatoire."))
        elif len(siren) != 9 or not is_ascii_digits(siren):
            self.error(
                number,
                SIREN,
                _("« %s » n'est pas un SIREN valide (9 chiffres attendus).") % _shown(siren),
            )
        elif not luhn_is_valid(siren):
            self.error(
                number, SIREN, _("« %s » n'est pas un SIREN valide (clé de contrôle).") % siren
            )
        elif siren in self.seen:
            self.error(
                number,
                SIREN,
                _("« %(siren)s » figure déjà ligne %(line)s.")
                % {"siren": siren, "line": self.seen[siren]},
            )
        else:
            self.seen[siren] = number

        siret_column = SIRET
        siret = "".join(cells.get(SIRET, "").split())
        if not siret and cells.get(NIC):
            siret_column, siret = NIC, siren + "".join(cells[NIC].split())
        if siret and siren in self.seen:  # a valid SIREN (seen is set just above)
            try:
                validate_siret(siret)
            except ValidationError:
                self.error(
                    number,
                    siret_column,
                    _("« %s » n'est pas un SIRET valide (14 chiffres, clé de contrôle).")
                    % _shown(siret),
                )
            else:
                if not siret.startswith(siren):
                    self.error(
                        number,
                        siret_column,
                        _("« %(siret)s » ne commence pas par le SIREN « %(siren)s ».")
                        % {"siret": siret, "siren": siren},
                    )

        name_column, name = self.first(cells, NAME)
        name = " ".join(name.split())
        if not name:
            self.error(number, NAME[0], _("obligatoire (le nom de la coopérative)."))
        elif len(name) > 200:
            self.error(number, name_column, _("%(n)s caractères, 200 au plus.") % {"n": len(name)})

        code = cells.get(CATEGORY, "")
        category = self.categories.get(code)
        if category is None:
            self.error(
                number,
                CATEGORY,
                _(
                    "catégorie juridique %s : pas une forme coopérative connue "
                    "(data/categories_juridiques.csv)."
                )
                % (_shown(code) or "vide"),
            )
        family = cells.get(FAMILY, "").lower()
        family_told = bool(family)
        if family and family not in Cooperative.Family.values:
            self.error(
                number,
                FAMILY,
                _("« %(value)s » inconnue (attendu : %(choices)s).")
                % {"value": _shown(family), "choices": ", ".join(Cooperative.Family.values)},
            )
        family = family or (category.family if category else "")

        naf_column, naf_code = self.first(cells, NAF)
        naf_code = naf_code.upper()
        if naf_code and (len(naf_code) != 6 or not naf.label(naf_code)):
            self.error(
                number,
                naf_column,
                _("« %s » n'est pas un code de la NAF rév. 2 (comme 43.32A).") % _shown(naf_code),
            )

        band_column, band = self.first(cells, HEADCOUNT_COLUMNS)
        headcount = HEADCOUNT.get(band.upper(), "") if band else ""
        if band and not headcount:
            self.error(
                number, band_column, _("tranche d'effectif « %s » inconnue de l'INSEE.") % band
            )

        founded_year = None
        created_column, created = self.first(cells, CREATED)
        if created:
            try:
                founded = _date(created)
            except ValueError:
                self.error(
                    number,
                    created_column,
                    _("« %s » n'est pas une date (AAAA-MM-JJ).") % _shown(created),
                )
            else:
                assert founded is not None
                if 1830 <= founded.year <= 2100:
                    founded_year = founded.year
                else:
                    self.error(
                        number,
                        created_column,
                        _("année %s : entre 1830 et 2100 attendue.") % founded.year,
                    )

        address = street_line(cells)
        if len(address) > 250:
            self.error(
                number,
                STREET,
                _("l'adresse fait %(n)s caractères, 250 au plus.") % {"n": len(address)},
            )

        postcode = "".join(cells.get(POSTCODE, "").split())
        if postcode and (len(postcode) != 5 or not is_ascii_digits(postcode)):
            self.error(number, POSTCODE, _("« %s » n'est pas un code postal.") % _shown(postcode))
        commune_code = cells.get(COMMUNE_CODE, "")
        commune = geocoding.find(
            code=commune_code, postcode=postcode, name=cells.get(COMMUNE_NAME, "")
        )
        if commune is None:
            where = (
                f"{commune_code}"
                if commune_code
                else f"{postcode} {cells.get(COMMUNE_NAME, '')}".strip()
            )
            self.error(
                number,
                COMMUNE_CODE if commune_code or POSTCODE not in cells else POSTCODE,
                _("commune « %s » inconnue.") % _shown(where),
            )
        elif commune.departement not in self.departements:
            self.error(
                number,
                COMMUNE_CODE,
                _("département %s hors du réseau.") % commune.departement,
            )
        if not postcode and commune is not None and len(commune.postcodes) == 1:
            postcode = commune.postcodes[0]

        state = cells.get(STATE, "").upper()
        if state not in ("", "A", "F"):
            self.error(number, STATE, _("« %s » : A ou F attendu.") % _shown(state))
        unit_state = cells.get(UNIT_STATE, "").upper()
        if unit_state not in ("", "A", "C"):
            self.error(number, UNIT_STATE, _("« %s » : A ou C attendu.") % _shown(unit_state))
        closed = state == "F" or unit_state == "C"
        closed_since = None
        if closed and cells.get(SINCE):
            try:
                closed_since = _date(cells[SINCE])
            except ValueError:
                self.error(
                    number,
                    SINCE,
                    _("« %s » n'est pas une date (AAAA-MM-JJ).") % _shown(cells[SINCE]),
                )

        if len(self.errors) > before or category is None or commune is None:
            return None
        return Line(
            number=number,
            siren=siren,
            siret=siret,
            name=name,
            family=family,
            family_told=family_told,
            company_form=category.form,
            naf_code=naf_code,
            headcount=headcount,
            founded_year=founded_year,
            address=address,
            commune=commune,
            postcode=postcode,
            closed=closed,
            closed_since=closed_since,
        )


class Importer:
    """Applies checked lines to the cooperatives: new ones, changed ones, their versions."""

    def __init__(self, *, overwrite: bool, family: str, today: datetime.date):
        self.overwrite = overwrite
        self.default_family = family
        self.today = today
        self.departements = {
            d.code: d for d in Departement.objects.select_related("region", "union")
        }
        self.departement_codes = {d.pk: d.code for d in self.departements.values()}
        self.departements_by_pk = {d.pk: d for d in self.departements.values()}
        self.organisations = Organisation.objects.in_bulk()
        self.sectors = list(Sector.objects.all())
        self.sector_codes = {s.pk: s.code for s in self.sectors}
        self.existing = {c.siren: c for c in Cooperative.objects.all()}
        self.slugs = {c.slug for c in self.existing.values()}
        self.edited: dict[int, set[str]] = defaultdict(set)
        for pk, changed in CooperativeVersion.objects.filter(author__isnull=False).values_list(
            "cooperative_id", "changed"
        ):
            self.edited[pk].update(changed or [])
        self.last_number = dict(
            CooperativeVersion.objects.values_list("cooperative_id")
            .annotate(last=Max("number"))
            .values_list("cooperative_id", "last")
        )
        self.created: list[Cooperative] = []
        self.changed: list[tuple[Cooperative, list[str], dict | None]] = []
        self.errors: list[str] = []

    def sector(self, naf_code: str) -> Sector | None:
        division = int(naf_code[:2])
        for sector in self.sectors:
            if sector.first_division <= division <= sector.last_division:
                return sector
        return None

    def snapshot(self, cooperative: Cooperative) -> dict:
        data: dict = {name: getattr(cooperative, name) for name in PAGE + REGISTER}
        data["archived"] = cooperative.archived_at is not None
        data["departement"] = self.departement_codes.get(cooperative.departement_id, "")
        data["sector"] = self.sector_codes.get(cooperative.sector_id, "")
        data["union"] = cooperative.union_id
        data["closed_on"] = cooperative.closed_on.isoformat() if cooperative.closed_on else None
        return data

    def apply(self, line: Line, report: Report) -> None:
        cooperative = self.existing.get(line.siren)
        new = cooperative is None
        family = line.family
        if cooperative is not None and (
            not family or (cooperative.family == Cooperative.Family.CAE and not line.family_told)
        ):
            family = cooperative.family
        family = family or self.default_family
        if not family:
            report.errors.append(
                _(
                    "ligne %(line)s, %(column)s : famille inconnue pour une nouvelle coopérative "
                    "(ajoutez une colonne famille : scop, scic ou cae, ou choisissez-la pour "
                    "tout le fichier)."
                )
                % {"line": line.number, "column": FAMILY}
            )
            return
        if new and not line.naf_code:
            report.errors.append(
                _("ligne %(line)s, %(column)s : obligatoire pour une nouvelle coopérative.")
                % {"line": line.number, "column": NAF[0]}
            )
            return
        if new and line.founded_year is None:
            report.errors.append(
                _("ligne %(line)s, %(column)s : obligatoire pour une nouvelle coopérative.")
                % {"line": line.number, "column": CREATED[0]}
            )
            return
        departement = self.departements[line.commune.departement]
        values: dict = {
            "name": line.name,
            "family": family,
            "company_form": line.company_form,
            "address": line.address,
            "commune": line.commune.name,
            "commune_code": line.commune.code,
            "postcode": line.postcode,
            "departement": departement,
            "union": departement.union,
        }
        if line.siret:
            values["siret"] = line.siret
        if line.naf_code:
            values["naf_code"] = line.naf_code
            values["sector"] = self.sector(line.naf_code)
        if line.headcount:
            values["headcount"] = line.headcount
        if line.founded_year is not None:
            values["founded_year"] = line.founded_year
        if line.commune.placed:
            values.update(
                latitude=line.commune.latitude,
                longitude=line.commune.longitude,
                location_precision=LocationPrecision.COMMUNE,
            )
        if line.closed:
            values["closed_on"] = (
                line.closed_since or (cooperative and cooperative.closed_on) or self.today
            )
        else:
            values["closed_on"] = None

        if cooperative is None:
            base = slugify(line.name)[:200] or "cooperative"
            slug, number = f"{base}-{line.siren}", 1
            while slug in self.slugs:
                number += 1
                slug = f"{base}-{line.siren}-{number}"
            self.slugs.add(slug)
            values.setdefault("headcount", NEW_HEADCOUNT)
            cooperative = Cooperative(siren=line.siren, slug=slug, **values)
            self.existing[line.siren] = cooperative
            self.created.append(cooperative)
            report.created += 1
            report.closed += line.closed
            changed = [name for name in IMPORTED if values.get(name)]
            self.changed.append((cooperative, changed, None))
            return

        before = self.snapshot(cooperative)
        edited = self.edited.get(cooperative.pk, set())
        kept = []
        if not self.overwrite and (
            edited & set(POINT) or cooperative.location_precision == LocationPrecision.EXACT
        ):
            for name in POINT:
                if name in values and getattr(cooperative, name) != values.pop(name):
                    kept.append(name)
        if not self.overwrite:
            for name in sorted(edited & set(values) - set(POINT)):
                if getattr(cooperative, name) != values.pop(name):
                    kept.append(name)
        if kept:
            report.kept.append(Kept(line.number, line.siren, line.name, kept))
        was_closed = cooperative.closed_on is not None
        changed = []
        for name, value in values.items():
            related = name in ("departement", "sector", "union")
            current = getattr(cooperative, f"{name}_id" if related else name)
            if current != (value.pk if related and value is not None else value):
                setattr(cooperative, name, value)
                changed.append(name)
        if not changed:
            report.unchanged += 1
            return
        report.updated += 1
        report.closed += line.closed and not was_closed
        report.reopened += was_closed and not line.closed
        self.changed.append((cooperative, [n for n in IMPORTED if n in changed], before))

    def write(self, progress: Progress) -> None:
        """Write the cooperatives created and changed, their versions and the directory's
        index, a batch at a time: a number of queries that does not grow with them."""
        index = directory_index.BulkIndex(Cooperative)
        items = progress(iter(self.changed), len(self.changed), _("Écriture des coopératives"))
        for batch in batched(items, BATCH):
            self.write_batch(list(batch), index)
        index.finish()

    def write_batch(self, batch: list[tuple[Cooperative, list[str], dict | None]], index) -> None:
        created, updated = [], []
        fields: set[str] = set()
        for cooperative, changed, before in batch:
            self.attach(cooperative)
            indexed = index.fill(cooperative, new=before is None)
            if before is None:
                created.append(cooperative)
            else:
                updated.append(cooperative)
                fields.update(changed, indexed)
        if created:
            self.insert(created)
        if updated:
            bulk.update(Cooperative, updated, sorted(fields))
        bulk.insert(
            CooperativeVersion,
            ("cooperative", "number", "author", "created_at", "data", "changed"),
            self.versions(batch),
        )
        index.write_facets()

    def insert(self, created: list[Cooperative]) -> None:
        """Insert new cooperatives, then read their ids back by SIREN: ``bulk_create`` spent
        more time compiling each value than the database inserting the rows."""
        fields = [f for f in Cooperative._meta.concrete_fields if not f.primary_key]
        bulk.insert(
            Cooperative,
            [f.name for f in fields],
            ([getattr(c, f.attname) for f in fields] for c in created),
        )
        ids = dict(
            Cooperative.objects.filter(siren__in=[c.siren for c in created]).values_list(
                "siren", "pk"
            )
        )
        for cooperative in created:
            cooperative.pk = ids[cooperative.siren]
            cooperative._state.adding = False

    def attach(self, cooperative: Cooperative) -> None:
        """Its département (and région), union and federation, from those loaded: what the
        directory's index reads of it, without a query."""
        cooperative.departement = self.departements_by_pk[cooperative.departement_id]
        cooperative.union = self.organisations[cooperative.union_id]
        cooperative.federation = self.organisations.get(cooperative.federation_id)

    def versions(self, batch: list[tuple[Cooperative, list[str], dict | None]]) -> Iterator[tuple]:
        """Each written cooperative's new version (and, the first time the import changes a
        cooperative without one, the page before as version 1), as rows."""
        now = timezone.now()
        for cooperative, changed, before in batch:
            number = self.last_number.get(cooperative.pk, 0)
            if before is not None and number == 0:  # the page before the import changed it
                number = 1
                yield (cooperative.pk, 1, None, now, before, [])
            data = {**self.snapshot(cooperative), "source": SOURCE}
            yield (cooperative.pk, number + 1, None, now, data, changed)


def import_cooperatives(
    data: bytes,
    *,
    dry_run: bool = False,
    overwrite: bool = False,
    family: str = "",
    today: datetime.date | None = None,
    progress: Progress | None = None,
) -> Report:
    """Check every line of a SIRENE extract, then write all of it or nothing (the module's
    docstring says how). ``family``: the family of new cooperatives nothing else tells;
    ``progress(items, total, label)`` may wrap the lines checked, then the cooperatives
    written (a progress bar; ``label`` says which, in French)."""
    report = Report(dry_run=dry_run)
    try:
        text = decode(data)
        positions, lines = rows(text)
        missing = missing_columns(positions)
        if missing:
            raise Refused(_("Colonnes obligatoires absentes : %s.") % ", ".join(missing))
        checker = Checker(positions)
        checked = []
        progress = progress or _unchanged
        total = max(text.count("\n") - 1, 1)
        for number, row in progress(lines, total, _("Vérification des lignes")):
            report.lines += 1
            line = checker.check(number, row)
            if line is not None:
                checked.append(line)
        report.skipped = checker.skipped
        report.errors = checker.errors
        if report.lines == 0:
            raise Refused(_("Le fichier ne contient aucune ligne après l'en-tête."))
    except Refused as refused:
        report.errors.append(str(refused))
        return report
    if report.errors:
        return report
    try:
        with transaction.atomic():
            importer = Importer(
                overwrite=overwrite, family=family, today=today or timezone.localdate()
            )
            for line in checked:
                importer.apply(line, report)
            if report.errors or dry_run:
                return report
            with bulk.roomy_cache(Cooperative):
                importer.write(progress)
    except IntegrityError as error:  # a cooperative written meanwhile by someone else
        report.errors.append(_("Conflit à l'écriture, rien n'a été écrit : %s") % error)
    return report
