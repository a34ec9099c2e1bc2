"""English is complete: every French string has an English translation that the site really uses.

The msgids are the French texts (French is the default language), so the French catalogue may
keep empty msgstr; the English one may not. A string added without its translation makes these
tests fail until `make messages` is run and the new entries are translated.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

ENGLISH_PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
ENGLISH_MO = ENGLISH_PO.with_suffix(".mo")
# Names and French legal forms read the same in English; anything else left in French is a
# forgotten translation.
SAME_IN_BOTH = {
    "Scop",
    "Scic",
    "CAE",
    "SA",
    "SARL",
    "SAS",
    "SIREN",
    "Pages",
    "Contact",
    "Pagination",
    "Distance",
    "Latitude",
    "Logo",
    "logo",
    "Longitude",
    "Version %(n)s",
    "Menu",
    "code",
    "type",
    "description",
    "section",
    "message",
    "Message",
    "latitude",
    "longitude",
    "Département",
    "%(name)s (SIREN %(siren)s, %(commune)s)",
}
FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: their fields (strings unquoted) and their flags."""
    entries: list[dict] = []
    entry: dict = {}
    key = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {}, ""
        elif line.startswith("#~"):
            continue  # obsolete entries are not part of the catalogue
        elif line.startswith("#,"):
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := FIELD.match(line):
            key = match.group(1)
            entry[key] = ast.literal_eval(match.group(2))
        else:
            entry[key] += ast.literal_eval(line)
    return [entry for entry in entries if entry["msgid"]]  # the header has an empty msgid


ENTRIES = read_po(ENGLISH_PO)


def translations(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def label(entry: dict) -> str:
    return repr(entry["msgid"])


def test_the_english_catalogue_is_read_whole():
    assert len(ENTRIES) > 200
    assert any("msgid_plural" in entry for entry in ENTRIES)


def test_every_entry_is_translated_and_none_is_fuzzy():
    untranslated = [label(e) for e in ENTRIES if not all(translations(e))]
    fuzzy = [label(e) for e in ENTRIES if "fuzzy" in e.get("flags", ())]
    plurals_missing = [
        label(e)
        for e in ENTRIES
        if "msgid_plural" in e and not {"msgstr[0]", "msgstr[1]"} <= e.keys()
    ]
    assert untranslated == [], "Sans traduction anglaise : " + ", ".join(untranslated)
    assert fuzzy == [], "Traductions à revoir (fuzzy) : " + ", ".join(fuzzy)
    assert plurals_missing == []


def test_placeholders_are_kept():
    broken = []
    for entry in ENTRIES:
        wanted = sorted(PLACEHOLDER.findall(entry.get("msgid_plural", entry["msgid"])))
        for text in translations(entry):
            # A singular may say "one" instead of its number; no other placeholder may change.
            if sorted(PLACEHOLDER.findall(text)) not in (
                wanted,
                [p for p in wanted if p not in ("n", "counter")],
            ):
                broken.append(f"{label(entry)} → {text!r}")
    assert broken == [], "Variables modifiées : " + ", ".join(broken)


def test_english_is_not_left_in_french():
    same = [
        label(e)
        for e in ENTRIES
        if e.get("msgstr") == e["msgid"] and e["msgid"] not in SAME_IN_BOTH
    ]
    assert same == [], "Restées en français : " + ", ".join(same)


def test_the_compiled_catalogue_serves_every_translation():
    """The .mo matches the .po: nothing translated there is missing on the site."""
    assert ENGLISH_MO.exists(), "Lancez « manage.py compilemessages »."
    stale = []
    with translation.override("en"):
        for entry in ENTRIES:
            context = entry.get("msgctxt")
            if "msgid_plural" in entry:
                served = [
                    translation.npgettext(context, entry["msgid"], entry["msgid_plural"], n)
                    if context
                    else translation.ngettext(entry["msgid"], entry["msgid_plural"], n)
                    for n in (1, 2)
                ]
                expected = [entry["msgstr[0]"], entry["msgstr[1]"]]
            else:
                served = [
                    translation.pgettext(context, entry["msgid"])
                    if context
                    else translation.gettext(entry["msgid"])
                ]
                expected = [entry["msgstr"]]
            if served != expected:
                stale.append(f"{label(entry)} : {served!r} au lieu de {expected!r}")
    assert stale == [], "Catalogue compilé périmé (compilemessages) : " + "; ".join(stale)


@pytest.mark.django_db
def test_footer_form_switches_the_site_to_english(client):
    page = client.get(reverse("pages:home")).content.decode()
    assert '<html lang="fr">' in page
    assert "Quatre catégories pour explorer" in page

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/"
    assert '<html lang="en">' in page
    assert "Four categories to explore" in page
    assert "Skip to content" in page
    assert "Quatre catégories pour explorer" not in page

    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "Quatre catégories pour explorer" in client.get("/").content.decode()
