"""Offline geocoding: a French commune, and its position, from its INSEE code or from a postcode
and a name as an address gives them (« 44600 ST NAZAIRE », « 75008 PARIS 8 »).

The communes come from ``data/communes.json.gz`` (Code officiel géographique 2026 and IGN outlines,
rebuilt by ``data/build_geodata.py``; sources and licences in data/README.md): nothing is
fetched at run time. A commune's position is the centroid of its outline: its precision is
« commune », never a street address. Codes of merged communes, of communes déléguées and of
the arrondissements of Paris, Lyon and Marseille lead to the commune they now belong to.
"""

import gzip
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data" / "communes.json.gz"


@dataclass(frozen=True)
class Commune:
    code: str  # INSEE code (« 2A004 » in Corsica, « 976xx » in Mayotte)
    name: str
    departement: str
    region: str
    postcodes: tuple[str, ...]
    latitude: float | None  # None for the four communes without an outline (none inhabited)
    longitude: float | None

    @property
    def placed(self) -> bool:
        return self.latitude is not None


@dataclass(frozen=True)
class _Index:
    by_code: dict[str, Commune]
    former: dict[str, str]  # an older or inner code → the current commune's
    by_postcode: dict[str, tuple[Commune, ...]]


@cache
def _index() -> _Index:
    rows = json.loads(gzip.decompress(DATA.read_bytes()))
    by_code: dict[str, Commune] = {}
    former: dict[str, str] = {}
    by_postcode: dict[str, list[Commune]] = {}
    for code, name, departement, region, postcodes, older, latitude, longitude in rows:
        commune = Commune(code, name, departement, region, tuple(postcodes), latitude, longitude)
        by_code[code] = commune
        for old in older:
            former.setdefault(old, code)
        for postcode in postcodes:
            by_postcode.setdefault(postcode, []).append(commune)
    return _Index(
        by_code, former, {postcode: tuple(found) for postcode, found in by_postcode.items()}
    )


def commune(code: str) -> Commune | None:
    """The commune of an INSEE code, current or former (merged, délégué, arrondissement)."""
    code = (code or "").strip().upper()
    index = _index()
    found = index.by_code.get(code)
    if found is None and code in index.former:
        found = index.by_code[index.former[code]]
    return found


_CEDEX = re.compile(r"\s+cedex(\s+\d+)?$")
_ARRONDISSEMENT = re.compile(r"\s+\d+(\s*(er|e|eme))?(\s+arrondissement)?$")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def normalized(name: str) -> str:
    """A commune's name as it compares: no accents, case, hyphens, apostrophes, « CEDEX » or
    arrondissement number; « ST » and « STE » written out (« ST NAZAIRE » = « Saint-Nazaire »)."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    text = " ".join(re.sub(r"[-'’`.,/]", " ", text).split())
    text = _ARRONDISSEMENT.sub("", _CEDEX.sub("", text))
    return " ".join(_ABBREVIATIONS.get(word, word) for word in text.split())


def find(*, code: str = "", postcode: str = "", name: str = "") -> Commune | None:
    """The commune an address names: by its INSEE code when there is one, else by its postcode
    and name (the name decides between the communes sharing a postcode; alone on its postcode,
    a commune is found whatever the name says). None when nothing fits, never a guess."""
    if code:
        found = commune(code)
        if found is not None:
            return found
    candidates = _index().by_postcode.get(_compact(postcode), ())
    named = _named(candidates, name)
    if named is not None:
        return named
    return candidates[0] if len(candidates) == 1 else None


def named_in(departement: str, name: str) -> Commune | None:
    """The commune of that name in that département (the directory's older rows know only a
    name and a département), when exactly one fits."""
    return _named(_in_departement(departement), name)


def named(name: str) -> tuple[Commune, ...]:
    """The communes a name alone may mean (« près de Nantes »), articles aside if need be, by
    code: one most often, several for a name many share (three Saint-Nazaire, nine Saint-Denis),
    none for a name no commune has. Without their population, choosing is left to the person."""
    wanted = normalized(name)
    return _by_name().get(wanted) or _by_name().get(_without_article(wanted), ())


@cache
def _by_name() -> dict[str, tuple[Commune, ...]]:
    by_name: dict[str, list[Commune]] = {}
    for commune_ in _index().by_code.values():
        key = normalized(commune_.name)
        by_name.setdefault(key, []).append(commune_)
        bare = _without_article(key)
        if bare != key:
            by_name.setdefault(bare, []).append(commune_)
    return {key: tuple(found) for key, found in by_name.items()}


def departement_of_postcode(postcode: str) -> str:
    """The département of a postcode, from the communes it serves (the one most of them are
    in, when a postcode crosses a border); "" for a postcode no commune has."""
    communes = _index().by_postcode.get(_compact(postcode), ())
    departements = [c.departement for c in communes]
    return max(departements, key=departements.count) if departements else ""


def _compact(postcode: str) -> str:
    return "".join((postcode or "").split())


def _named(candidates: tuple[Commune, ...], name: str) -> Commune | None:
    """The one commune among ``candidates`` that ``name`` names, articles aside if need be
    (« LE MANS » / « Le Mans », « Mans (Le) »); None when none or several fit."""
    wanted = normalized(name)
    if not wanted:
        return None
    named = [c for c in candidates if normalized(c.name) == wanted]
    if not named:
        bare = _without_article(wanted)
        named = [c for c in candidates if _without_article(normalized(c.name)) == bare]
    return named[0] if len(named) == 1 else None


def _without_article(text: str) -> str:
    words = text.replace("(", " ").replace(")", " ").split()
    return " ".join(word for word in words if word not in ("le", "la", "les", "l"))


@cache
def _in_departement(departement: str) -> tuple[Commune, ...]:
    return tuple(c for c in _index().by_code.values() if c.departement == departement)


def communes_of(departement: str) -> tuple[Commune, ...]:
    """The placed communes of a département, by INSEE code."""
    return tuple(c for c in _in_departement(departement) if c.placed)


# Boxes around metropolitan France with Corsica, and each overseas département (lat, lon).
FRANCE = (
    ((41.2, 51.2), (-5.3, 9.7)),
    ((15.8, 16.6), (-61.9, -60.9)),  # Guadeloupe
    ((14.3, 14.9), (-61.3, -60.7)),  # Martinique
    ((2.0, 5.9), (-54.7, -51.5)),  # Guyane
    ((-21.5, -20.8), (55.1, 55.9)),  # La Réunion
    ((-13.1, -12.5), (44.9, 45.4)),  # Mayotte
)


def in_france(latitude: float, longitude: float) -> bool:
    """Whether a point is in metropolitan France, Corsica or an overseas département."""
    return any(
        low_lat <= latitude <= high_lat and low_lon <= longitude <= high_lon
        for (low_lat, high_lat), (low_lon, high_lon) in FRANCE
    )
