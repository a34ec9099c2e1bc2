"""A readable difference between two versions of a practice, field by field.

Words added are marked ``<ins>``, words removed ``<del>``; every piece of text is escaped
first, so nothing typed by a contributor ever reaches the page as markup.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from observatoire.practices.models import Practice

TOKENS = re.compile(r"^\s+|\S+\s*")  # a word with the spaces after it
LABELS = {
    "category": _("Catégorie"),
    "themes": _("Thèmes"),
    "tags": _("Mots-clés"),
    "links": _("Liens utiles"),
    "cooperatives": _("Coopératives"),
}
ORDER = [
    "title",
    "summary",
    "category",
    "themes",
    "tags",
    "context",
    "actions",
    "setup_steps",
    "setup_duration",
    "setup_cost",
    "setup_people",
    "results",
    "difficulties",
    "links",
    "cooperatives",
    "contact_name",
    "contact_role",
    "contact_email",
    "started_year",
    "visibility",
]


@dataclass
class FieldChange:
    label: str
    html: SafeString


def as_text(name: str, value) -> str:
    """A field of a snapshot as the lines a person reads."""
    if value is None:
        return ""
    if name == "category":
        return str(value[1])
    if name in {"themes", "cooperatives"}:
        return "\n".join(str(item[1]) for item in value)
    if name == "tags":
        return ", ".join(value)
    if name == "links":
        return "\n".join(f"{url} {title}" for url, title in value)
    if name == "visibility":
        try:
            return str(Practice.Visibility(value).label)
        except ValueError:
            return str(value)
    return str(value)


def label_of(name: str) -> str:
    if name in LABELS:
        return str(LABELS[name])
    field = Practice._meta.get_field(name)
    return str(getattr(field, "verbose_name", name)).capitalize()


def mark_words(old: str, new: str) -> SafeString:
    before, after = TOKENS.findall(old), TOKENS.findall(new)
    pieces: list[str] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(before[i1:i2]), "".join(after[j1:j2])
        if operation == "equal":
            pieces.append(escape(added))
            continue
        if removed:
            pieces.append(f"<del>{escape(removed)}</del>")
        if added:
            pieces.append(f"<ins>{escape(added)}</ins>")
    return mark_safe("".join(pieces))  # noqa: S308 - every piece escaped above


def compare(old: dict, new: dict) -> list[FieldChange]:
    """The fields that differ between two snapshots, in the form's order, then the documents."""
    changes = []
    for name in ORDER:
        before, after = as_text(name, old.get(name)), as_text(name, new.get(name))
        if before != after:
            changes.append(FieldChange(label_of(name), mark_words(before, after)))
    return changes + document_changes(old, new)


def documents(snapshot: dict) -> dict[int, str] | None:
    entries = snapshot.get("attachments")
    if not isinstance(entries, list):
        return None
    return {
        entry["id"]: str(entry.get("title") or "")
        for entry in entries
        if isinstance(entry, dict) and isinstance(entry.get("id"), int)
    }


def document_changes(old: dict, new: dict) -> list[FieldChange]:
    """Documents added, removed and renamed; nothing when a snapshot predates documents in
    snapshots (it says nothing of them, which is not « every document removed »)."""
    before, after = documents(old), documents(new)
    if before is None or after is None:
        return []
    added = [title for pk, title in after.items() if pk not in before]
    removed = [title for pk, title in before.items() if pk not in after]
    renamed = [(before[pk], title) for pk, title in after.items() if pk in before]
    renamed = [(old_title, title) for old_title, title in renamed if old_title != title]
    changes = []
    if added:
        html = "\n".join(f"<ins>{escape(title)}</ins>" for title in added)
        changes.append(FieldChange(str(_("Documents ajoutés")), mark_safe(html)))  # noqa: S308
    if removed:
        html = "\n".join(f"<del>{escape(title)}</del>" for title in removed)
        changes.append(FieldChange(str(_("Documents retirés")), mark_safe(html)))  # noqa: S308
    if renamed:
        html = "\n".join(
            f"<del>{escape(old_title)}</del> → <ins>{escape(title)}</ins>"
            for old_title, title in renamed
        )
        changes.append(FieldChange(str(_("Documents renommés")), mark_safe(html)))  # noqa: S308
    return changes
