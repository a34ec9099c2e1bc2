"""The history of a practice: its versions, the moderation log and staff notes, and the
snapshots versions hold (the content of a practice as plain data).

Defined apart from models.py, which re-exports the models; this module imports nothing of the
rest of the app: it reaches a practice's categories, themes, tags, links and documents through
the practice's own relations, so that imports go one way (moderation → models → workflow →
versions).
"""

import json
from functools import partial

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from observatoire.network.models import Cooperative

# What an author writes, field by field: the form's sections and what every version keeps.
CONTENT_FIELDS = [
    "title",
    "summary",
    "context",
    "actions",
    "setup_steps",
    "setup_duration",
    "setup_cost",
    "setup_people",
    "results",
    "difficulties",
    "contact_name",
    "contact_role",
    "contact_email",
    "started_year",
    "visibility",
]


class PracticeVersion(models.Model):
    """The content of a practice at one moment, kept forever: who wrote it, when, and why.

    Saved versions record what the practice said; a proposed version is a revision of a published
    practice waiting for a moderator, the live practice unchanged meanwhile. Restoring an old
    version adds a new one: history is never rewritten.
    """

    class State(models.TextChoices):
        SAVED = "saved", _("enregistrée")
        PROPOSED = "proposed", _("proposée")
        PUBLISHED = "published", _("publiée")
        RETURNED = "returned", _("renvoyée pour modifications")
        DECLINED = "declined", _("refusée")

    practice = models.ForeignKey(
        "practices.Practice",
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("pratique"),
    )
    number = models.PositiveIntegerField(_("numéro"))
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.SAVED)
    snapshot = models.JSONField(_("contenu"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur·rice"),
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("version d'une pratique")
        verbose_name_plural = _("versions des pratiques")
        ordering = ["practice", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "number"], name="practice_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.practice} — v{self.number}"


class ModerationEvent(models.Model):
    """The audit log: one row per moderation step, written in the decision's transaction.

    It outlives the practice (its title is copied) and is never edited.
    """

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("soumise")
        TAKEN = "taken", _("prise en charge")
        RELEASED = "released", _("rendue à la file")
        PUBLISHED = "published", _("publiée")
        CHANGES_REQUESTED = "changes_requested", _("modifications demandées")
        DECLINED = "declined", _("refusée")
        # A resubmission given back to the moderator who asked for the changes (the actor).
        ASSIGNED = "assigned", _("rendue à qui a demandé les modifications")
        RESTORED_VERSION = "restored_version", _("version restaurée")
        DELETED = "deleted", _("supprimée")
        UNDELETED = "undeleted", _("restaurée de la corbeille")

    practice = models.ForeignKey(
        "practices.Practice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_events",
        verbose_name=_("pratique"),
    )
    practice_title = models.CharField(_("titre de la pratique"), max_length=200)
    version = models.ForeignKey(
        PracticeVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    message = models.TextField(_("message ou motif"), blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("événement de modération")
        verbose_name_plural = _("journal de modération")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.practice_title} — {self.get_action_display()}"


class StaffNote(models.Model):
    """A note between moderators about a practice: never shown to its author nor the public."""

    practice = models.ForeignKey(
        "practices.Practice",
        on_delete=models.CASCADE,
        related_name="staff_notes",
        verbose_name=_("pratique"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur·rice"),
    )
    text = models.TextField(_("note"), max_length=4000)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("note de l'équipe")
        verbose_name_plural = _("notes de l'équipe")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


# Snapshots: the content of a practice as plain data, for versions and revisions.


def snapshot_of(practice) -> dict:
    data = {name: getattr(practice, name) for name in CONTENT_FIELDS}
    category = practice.category
    data["category"] = [category.pk, category.name] if category else None
    data["themes"] = [[theme.pk, theme.name] for theme in practice.themes.order_by("pk")]
    data["tags"] = sorted(tag.name for tag in practice.tags.all())
    data["links"] = [[link.url, link.title] for link in practice.links.all()]
    data["cooperatives"] = [
        [cooperative.pk, cooperative.name] for cooperative in practice.cooperatives.order_by("pk")
    ]
    data["attachments"] = documents_of(practice)
    return data


def documents_of(practice) -> list[dict]:
    """The practice's documents as a snapshot holds them: their ids and titles."""
    attachments = sorted(practice.attachments.all(), key=pk_of) if practice.pk else []
    return [{"id": attachment.pk, "title": attachment.title} for attachment in attachments]


def document_entries(snapshot: dict) -> list[dict] | None:
    """The snapshot's documents, or None for a snapshot older than documents in revisions."""
    entries = snapshot.get("attachments")
    if not isinstance(entries, list):
        return None
    return [
        {"id": entry["id"], "title": str(entry.get("title") or "")}
        for entry in entries
        if isinstance(entry, dict) and isinstance(entry.get("id"), int)
    ]


def pk_of(instance) -> int:
    return instance.pk


def apply_snapshot(practice, snapshot: dict, *, documents: bool = True) -> None:
    """Make the practice say what the snapshot says (what still exists of its related rows).

    With ``documents``, its documents become the snapshot's too (a revision being published);
    a restored version leaves them as they are, since a document removed is deleted."""
    for name in CONTENT_FIELDS:
        if name in snapshot:
            setattr(practice, name, snapshot[name])
    category = snapshot.get("category")
    categories = practice._meta.get_field("category").related_model.objects
    practice.category = categories.filter(pk=category[0]).first() if category else None
    practice.save()
    practice.themes.set(
        practice.themes.model.objects.filter(pk__in=[pk for pk, _n in snapshot["themes"]])
    )
    practice.tags.set(
        [
            practice.tags.model.objects.get_or_create(
                slug=slugify(name)[:60] or "mot-cle", defaults={"name": name}
            )[0]
            for name in snapshot.get("tags", [])
        ]
    )
    practice.links.all().delete()
    link = practice.links.model
    link.objects.bulk_create(
        [
            link(practice=practice, url=url, title=title, position=position)
            for position, (url, title) in enumerate(snapshot.get("links", []))
        ]
    )
    cooperatives = Cooperative.objects.filter(
        pk__in=[pk for pk, _n in snapshot.get("cooperatives", [])]
    )
    if cooperatives.exists():
        practice.cooperatives.set(cooperatives)
    entries = document_entries(snapshot) if documents else None
    if entries is not None:
        apply_documents(practice, entries)
    practice.reindex()


def apply_documents(practice, entries: list[dict]) -> None:
    """The practice's documents become those listed: new uploads joined to it, titles applied,
    the others deleted with their file (once the transaction is saved: until then the live
    version still shows them)."""
    wanted = {entry["id"]: entry["title"] for entry in entries}
    for attachment in practice.attachments.exclude(pk__in=list(wanted)):
        if attachment.file.name:
            storage, name = attachment.file.storage, attachment.file.name
            transaction.on_commit(partial(storage.delete, name))
        attachment.delete()
    joined = practice.attachments.model.objects.filter(pk__in=list(wanted)).filter(
        Q(practice=practice) | Q(practice=None)
    )
    for attachment in joined:
        attachment.practice = practice
        title = wanted[attachment.pk] or attachment.original_name or attachment.title
        attachment.title = title[:200]
        attachment.save(update_fields=["practice", "title"])


# Versions and the audit log.

# The states of a version that holds what the practice said (a revision proposed, sent back or
# declined never did).
CONTENT_STATES = (PracticeVersion.State.SAVED, PracticeVersion.State.PUBLISHED)


def current_version(practice) -> PracticeVersion | None:
    """The version that holds the practice's current content: the last one saved or published."""
    return practice.versions.filter(state__in=CONTENT_STATES).order_by("-number").first()


def record_version(
    practice,
    *,
    by,
    note: str,
    state: str = PracticeVersion.State.SAVED,
    snapshot: dict | None = None,
    only_if_changed: bool = False,
) -> PracticeVersion | None:
    """Add the next version of the practice (its current content unless a snapshot is given)."""
    snapshot = snapshot if snapshot is not None else snapshot_of(practice)
    if only_if_changed:
        last = current_version(practice)
        if last is not None and last.snapshot == jsonable(snapshot):
            return None
    number = (practice.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return PracticeVersion.objects.create(
        practice=practice,
        number=number,
        state=state,
        snapshot=snapshot,
        author=by if getattr(by, "is_authenticated", False) else None,
        note=note[:300],
    )


def version_decided_on(practice, *, by, note: str) -> PracticeVersion:
    """The version a decision is taken on: the one that holds the practice's current content,
    or a new one, written by ``by``, when none does (older practices have no version). A
    decision is an entry of the journal, never a version of its own."""
    snapshot = snapshot_of(practice)
    last = current_version(practice)
    if last is not None and last.snapshot == jsonable(snapshot):
        return last
    version = record_version(practice, by=by, note=note, snapshot=snapshot)
    assert version is not None
    return version


def changes_nothing(versions) -> set[int]:
    """Of versions in ascending order, the numbers of those holding content (saved or
    published) that says what the content version before them said: copies written before
    decisions stopped adding versions, credited to the moderator who decided."""
    copies, before = set(), None
    for version in versions:
        if version.state not in CONTENT_STATES:
            continue
        if before is not None and version.snapshot == before:
            copies.add(version.number)
        before = version.snapshot
    return copies


def jsonable(snapshot: dict) -> dict:
    """The snapshot as it reads back from the JSON column (tuples become lists)."""
    return json.loads(json.dumps(snapshot))


def log(practice, *, by, action: str, message: str = "", version=None):
    return ModerationEvent.objects.create(
        practice=practice,
        practice_title=practice.title[:200],
        actor=by,
        action=action,
        message=message,
        version=version,
    )


def keep_live_content(practice, *, by) -> None:
    """Before the content is replaced, make sure a version holds it (older practices have none)."""
    record_version(
        practice, by=by, note=gettext("Contenu en ligne avant remplacement"), only_if_changed=True
    )


def record_save(practice, *, by) -> None:
    """A version for an author's save that changed the content (drafts included)."""
    record_version(
        practice, by=by, note=gettext("Enregistrée par son auteur·rice"), only_if_changed=True
    )
