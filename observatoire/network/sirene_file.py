"""Reading an extract of the SIRENE register (INSEE) for the import (network/sirene.py): the
file decoded, its columns found, each line checked into a ``Line`` or into errors naming the
line (the header is line 1, as a spreadsheet shows) and the column at fault. Nothing here
writes: the import writes only a file whose every line passed.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from observatoire.lib.identifiers import luhn_is_valid, validate_siret
from observatoire.lib.numbers import is_ascii_digits
from observatoire.network import geocoding, naf
from observatoire.network.models import Cooperative, Departement

CATEGORIES = Path(__file__).resolve().parents[2] / "data" / "categories_juridiques.csv"
MAX_BYTES = 200 * 1024 * 1024  # a StockEtablissement of 100 000 lines is about 40 Mo
MAX_CELL = 250  # no cell read here is longer (the longest field is the address)

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

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?|(\d{2})/(\d{2})/(\d{4})")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
TRUE, FALSE = {"true", "oui", "o", "1", "vrai"}, {"false", "non", "n", "0", "faux"}


class Refused(Exception):
    """The file as a whole cannot be read: its message says why, in French."""


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
