"""Moderation of practices: queues, decisions, versions, soft deletion and the audit log.

Every step is a conditional update of the practice naming the ``review_version`` it was taken
on: of two moderators deciding at the same moment, the first update matches and the second
finds nothing to update (``Conflict``), so there is never a second decision, audit entry or
email. The rest of the step runs in the same transaction, emails included (they are queued
in the database), so a step is saved whole or not at all.
"""

import json
from functools import partial
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from observatoire.accounts.models import Role, User
from observatoire.lib.cache import forget_listings
from observatoire.lib.mail import absolute_url, send_email
from observatoire.network.models import Cooperative
from observatoire.practices.models import (
    AWAITING,
    CONTENT_FIELDS,
    Attachment,
    Category,
    ModerationEvent,
    Practice,
    PracticeLink,
    PracticeVersion,
    Tag,
    Theme,
)
from observatoire.practices.signals import practice_published

Status = Practice.Status
Action = ModerationEvent.Action
State = PracticeVersion.State


class Conflict(Exception):
    """Someone else moderated this practice since the page was loaded."""


class OwnContribution(Exception):
    """Four eyes: nobody takes or decides on what they wrote, administrators apart."""


OWN_CONTRIBUTION = gettext_lazy("Vous ne pouvez pas modérer votre propre contribution.")


def moderates(user) -> bool:
    """Whether this person has a moderation queue (the server checks each practice too)."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    return user.role in {Role.PERMANENT, Role.MODERATOR} and user.organisation_id is not None


def is_own_contribution(user, practice: Practice) -> bool:
    """Whether the four-eyes rule keeps this person from taking or deciding on the practice.

    Only its author writes a practice and its revisions (``authored_by``). Administrators are
    exempt: the platform may have a single one.
    """
    if not getattr(user, "is_authenticated", False) or user.role == Role.ADMINISTRATOR:
        return False
    return practice.author_id is not None and practice.author_id == user.pk


def refuse_own(practice: Practice, by) -> None:
    if is_own_contribution(by, practice):
        raise OwnContribution


# Snapshots: the content of a practice as plain data, for versions and revisions.


def snapshot_of(practice: Practice) -> dict:
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


def documents_of(practice: Practice) -> list[dict]:
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


def snapshot_from_form(form, practice: Practice, documents: list[dict] | None = None) -> dict:
    """What a valid PracticeForm would save, without saving it (a revision); ``documents``,
    the ids and titles of the documents the revised practice would have (AttachmentsForm)."""
    cleaned = form.cleaned_data
    data = {name: cleaned.get(name, getattr(practice, name)) for name in CONTENT_FIELDS}
    category = cleaned.get("category")
    data["category"] = [category.pk, category.name] if category else None
    data["themes"] = [[theme.pk, theme.name] for theme in sorted(cleaned["themes"], key=pk_of)]
    data["tags"] = sorted(cleaned["tags_text"])
    data["links"] = [list(link) for link in cleaned["links_text"]]
    cooperative = cleaned.get("cooperative_siren")
    if cooperative is not None:
        data["cooperatives"] = [[cooperative.pk, cooperative.name]]
    else:
        data["cooperatives"] = snapshot_of(practice)["cooperatives"]
    data["attachments"] = documents if documents is not None else documents_of(practice)
    return data


def pk_of(instance) -> int:
    return instance.pk


def form_initial(snapshot: dict) -> dict:
    """The practice form's initial values from a snapshot (a revision sent back to its author)."""
    initial = {name: snapshot.get(name) for name in CONTENT_FIELDS}
    initial["category"] = snapshot["category"][0] if snapshot.get("category") else None
    initial["themes"] = [pk for pk, _name in snapshot.get("themes", [])]
    initial["tags_text"] = ", ".join(snapshot.get("tags", []))
    initial["links_text"] = "\n".join(f"{url} {title}" for url, title in snapshot.get("links", []))
    ids = [pk for pk, _name in snapshot.get("cooperatives", [])]
    first = Cooperative.objects.filter(pk__in=ids[:1]).first()
    initial["cooperative_siren"] = first.siren if first else ""
    return initial


def apply_snapshot(practice: Practice, snapshot: dict, *, documents: bool = True) -> None:
    """Make the practice say what the snapshot says (what still exists of its related rows).

    With ``documents``, its documents become the snapshot's too (a revision being published);
    a restored version leaves them as they are, since a document removed is deleted."""
    for name in CONTENT_FIELDS:
        if name in snapshot:
            setattr(practice, name, snapshot[name])
    category = snapshot.get("category")
    practice.category = Category.objects.filter(pk=category[0]).first() if category else None
    practice.save()
    practice.themes.set(Theme.objects.filter(pk__in=[pk for pk, _n in snapshot["themes"]]))
    practice.tags.set(
        [
            Tag.objects.get_or_create(
                slug=slugify(name)[:60] or "mot-cle", defaults={"name": name}
            )[0]
            for name in snapshot.get("tags", [])
        ]
    )
    practice.links.all().delete()
    PracticeLink.objects.bulk_create(
        [
            PracticeLink(practice=practice, url=url, title=title, position=position)
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


def apply_documents(practice: Practice, entries: list[dict]) -> None:
    """The practice's documents become those listed: new uploads joined to it, titles applied,
    the others deleted with their file (once the transaction is saved: until then the live
    version still shows them)."""
    wanted = {entry["id"]: entry["title"] for entry in entries}
    for attachment in practice.attachments.exclude(pk__in=list(wanted)):
        if attachment.file.name:
            storage, name = attachment.file.storage, attachment.file.name
            transaction.on_commit(partial(storage.delete, name))
        attachment.delete()
    joined = Attachment.objects.filter(pk__in=list(wanted)).filter(
        Q(practice=practice) | Q(practice=None)
    )
    for attachment in joined:
        attachment.practice = practice
        title = wanted[attachment.pk] or attachment.original_name or attachment.title
        attachment.title = title[:200]
        attachment.save(update_fields=["practice", "title"])


def uploads_of_open_revisions() -> set[int]:
    """The pending uploads that a revision waiting for a moderator or for its author lists."""
    snapshots = Practice.objects.filter(
        status=Status.PUBLISHED, revision__isnull=False
    ).values_list("revision__snapshot", flat=True)
    return {entry["id"] for snapshot in snapshots for entry in document_entries(snapshot) or []}


def reviews_upload(user, attachment: Attachment) -> bool:
    """Whether this person moderates a practice whose open revision lists this pending upload."""
    if not moderates(user) or attachment.practice_id is not None:
        return False
    revised = (
        Practice.objects.moderated_by(user)
        .alive()
        .filter(status=Status.PUBLISHED, revision__isnull=False)
        .values_list("revision__snapshot", flat=True)
    )
    return any(
        entry["id"] == attachment.pk
        for snapshot in revised
        for entry in document_entries(snapshot) or []
    )


# Versions and the audit log.


def record_version(
    practice: Practice,
    *,
    by,
    note: str,
    state: str = State.SAVED,
    snapshot: dict | None = None,
    only_if_changed: bool = False,
) -> PracticeVersion | None:
    """Add the next version of the practice (its current content unless a snapshot is given)."""
    snapshot = snapshot if snapshot is not None else snapshot_of(practice)
    if only_if_changed:
        last = practice.versions.filter(state=State.SAVED).order_by("-number").first()
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


def jsonable(snapshot: dict) -> dict:
    """The snapshot as it reads back from the JSON column (tuples become lists)."""
    return json.loads(json.dumps(snapshot))


def log(practice: Practice, *, by, action: str, message: str = "", version=None):
    return ModerationEvent.objects.create(
        practice=practice,
        practice_title=practice.title[:200],
        actor=by,
        action=action,
        message=message,
        version=version,
    )


def keep_live_content(practice: Practice, *, by) -> None:
    """Before the content is replaced, make sure a version holds it (older practices have none)."""
    record_version(
        practice, by=by, note=_("Contenu en ligne avant remplacement"), only_if_changed=True
    )


def record_save(practice: Practice, *, by) -> None:
    """A version for an author's save that changed the content (drafts included)."""
    record_version(practice, by=by, note=_("Enregistrée par son auteur·rice"), only_if_changed=True)


def record_submission(practice: Practice, *, by) -> None:
    record_version(practice, by=by, note=_("Soumise à la relecture"), only_if_changed=True)
    log(practice, by=by, action=Action.SUBMITTED)
    notify_moderators(practice, revision=False)


# The steps. Each claims its transition with one conditional update, or raises Conflict.


def claim(practice: Practice, *, expected: int, states, **changes) -> None:
    """Move the practice on from ``expected`` if nobody did since, else raise Conflict."""
    field = "revision_status" if practice.status == Status.PUBLISHED else "status"
    base = Practice.objects.alive().filter(pk=practice.pk, review_version=expected)
    if field == "revision_status":
        base = base.filter(status=Status.PUBLISHED)
    new_state = changes.pop("to", None)
    if new_state is not None:
        changes[field] = new_state
    updated = base.filter(**{f"{field}__in": states}).update(
        review_version=expected + 1, updated_at=timezone.now(), **changes
    )
    if updated != 1:
        raise Conflict
    practice.refresh_from_db()


@transaction.atomic
def take(practice: Practice, *, by, expected: int) -> None:
    refuse_own(practice, by)
    claim(practice, expected=expected, states=[Status.SUBMITTED], to=Status.IN_REVIEW, reviewer=by)
    log(practice, by=by, action=Action.TAKEN)


@transaction.atomic
def release(practice: Practice, *, by, expected: int) -> None:
    claim(
        practice, expected=expected, states=[Status.IN_REVIEW], to=Status.SUBMITTED, reviewer=None
    )
    log(practice, by=by, action=Action.RELEASED)


@transaction.atomic
def publish(practice: Practice, *, by, expected: int, message: str = "") -> None:
    refuse_own(practice, by)
    revision = practice.revision if practice.status == Status.PUBLISHED else None
    first = practice.published_at is None
    claim(practice, expected=expected, states=AWAITING)
    if revision is not None:
        keep_live_content(practice, by=None)
        apply_snapshot(practice, revision.snapshot)
        PracticeVersion.objects.filter(pk=revision.pk).update(state=State.PUBLISHED)
        note = _("Modification publiée")
    else:
        note = _("Publiée")
    practice.status = Status.PUBLISHED
    practice.revision_status = ""
    practice.revision = None
    practice.moderation_message = message
    if first:
        practice.published_at = timezone.now()
    practice.save()
    practice.reindex()
    version = record_version(practice, by=by, note=note)
    log(practice, by=by, action=Action.PUBLISHED, message=message, version=version)
    notify(practice, "published", message=message, revision=revision is not None)
    practice_published.send(sender=Practice, practice=practice, first=first)


@transaction.atomic
def request_changes(practice: Practice, *, by, expected: int, message: str) -> None:
    refuse_own(practice, by)
    revision = practice.revision if practice.status == Status.PUBLISHED else None
    claim(
        practice,
        expected=expected,
        states=AWAITING,
        to=Status.CHANGES_REQUESTED,
        moderation_message=message,
    )
    version = decide_on_revision(practice, revision, State.RETURNED, by=by, message=message)
    log(practice, by=by, action=Action.CHANGES_REQUESTED, message=message, version=version)
    notify(practice, "changes_requested", message=message, revision=revision is not None)


@transaction.atomic
def decline(practice: Practice, *, by, expected: int, message: str) -> None:
    refuse_own(practice, by)
    revision = practice.revision if practice.status == Status.PUBLISHED else None
    claim(
        practice,
        expected=expected,
        states=AWAITING,
        to=Status.DECLINED,
        moderation_message=message,
    )
    if revision is not None:
        # The live practice stays as it was; the next edit starts from it again.
        Practice.objects.filter(pk=practice.pk).update(revision=None)
        practice.revision = None
    version = decide_on_revision(practice, revision, State.DECLINED, by=by, message=message)
    log(practice, by=by, action=Action.DECLINED, message=message, version=version)
    notify(practice, "declined", message=message, revision=revision is not None)


def decide_on_revision(practice, revision, state: str, *, by, message: str):
    """Mark a revision with the decision, or record a first submission's decision as a version."""
    if revision is not None:
        PracticeVersion.objects.filter(pk=revision.pk).update(state=state)
        return revision
    label = State(state).label
    return record_version(practice, by=by, note=f"{label} : {message}")


@transaction.atomic
def propose_revision(practice: Practice, *, by, snapshot: dict) -> PracticeVersion:
    """An author's edit of a published practice: queued, the live practice left unchanged."""
    expected = practice.review_version
    version = record_version(
        practice, by=by, note=_("Modification proposée"), state=State.PROPOSED, snapshot=snapshot
    )
    updated = (
        Practice.objects.alive()
        .filter(pk=practice.pk, review_version=expected, status=Status.PUBLISHED)
        .exclude(revision_status__in=AWAITING)
        .update(
            revision=version,
            revision_status=Status.SUBMITTED,
            reviewer=None,
            submitted_at=timezone.now(),
            review_version=expected + 1,
        )
    )
    if updated != 1:
        raise Conflict
    practice.refresh_from_db()
    log(practice, by=by, action=Action.SUBMITTED, version=version)
    notify_moderators(practice, revision=True)
    assert version is not None
    return version


@transaction.atomic
def restore_version(practice: Practice, version: PracticeVersion, *, by) -> PracticeVersion:
    """Make the practice say what an old version said, as a new version."""
    keep_live_content(practice, by=None)
    apply_snapshot(practice, version.snapshot, documents=False)
    Practice.objects.filter(pk=practice.pk).update(review_version=practice.review_version + 1)
    new = record_version(
        practice, by=by, note=_("Restauration de la version %(n)d") % {"n": version.number}
    )
    assert new is not None
    log(practice, by=by, action=Action.RESTORED_VERSION, version=new)
    return new


@transaction.atomic
def soft_delete(practice: Practice, *, by, message: str = "") -> None:
    updated = (
        Practice.objects.alive()
        .filter(pk=practice.pk)
        .update(
            deleted_at=timezone.now(), deleted_by=by, review_version=practice.review_version + 1
        )
    )
    if updated != 1:
        raise Conflict
    practice.refresh_from_db()
    forget_listings()
    log(practice, by=by, action=Action.DELETED, message=message)


@transaction.atomic
def undelete(practice: Practice, *, by) -> None:
    updated = (
        Practice.objects.deleted().filter(pk=practice.pk).update(deleted_at=None, deleted_by=None)
    )
    if updated != 1:
        raise Conflict
    practice.refresh_from_db()
    forget_listings()
    log(practice, by=by, action=Action.UNDELETED)


# Emails to the author and the cooperatives' admins.


def recipients(practice: Practice) -> list[User]:
    people = {}
    if practice.author is not None and practice.author.is_active:
        people[practice.author.email] = practice.author
    admins = User.objects.filter(
        role=Role.COOPERATIVE_ADMIN,
        is_active=True,
        cooperative__in=practice.cooperatives.values("pk"),
    )
    for admin in admins:
        people.setdefault(admin.email, admin)
    return list(people.values())


def notify(practice: Practice, kind: str, *, message: str, revision: bool) -> None:
    practice_url = absolute_url(practice.get_absolute_url())
    edit_url = absolute_url(reverse("practices:edit", args=[practice.slug]))
    contributions_url = absolute_url(reverse("practices:my_contributions"))
    for person in recipients(practice):
        is_author = person.pk == practice.author_id
        if kind == "published" or (revision and not is_author):
            link = practice_url
        elif kind == "changes_requested" and is_author:
            link = edit_url
        elif is_author:
            link = contributions_url
        else:
            link = ""
        tell_in_the_site(person, kind, practice, link)
        send_email(
            f"moderation/{kind}",
            to=person,
            context={
                "name": person.full_name,
                "practice_title": practice.title,
                "message": message,
                "link": link,
                "is_author": is_author,
                "revision": revision,
            },
        )


IN_THE_SITE = {
    "published": gettext_noop("« %(title)s » est publiée."),
    "changes_requested": gettext_noop("Des modifications sont demandées pour « %(title)s »."),
    "declined": gettext_noop("« %(title)s » n'a pas été retenue."),
    "new_submission": gettext_noop("Une pratique attend votre relecture : « %(title)s »."),
}


def tell_in_the_site(person: User, kind: str, practice: Practice, link: str) -> None:
    """The same news in the person's notifications, in their language, linking to the page."""
    from observatoire.community.notify import notify as notify_in_site

    path = urlsplit(link).path if link else ""
    with translation.override(person.language):
        text = _(IN_THE_SITE[kind]) % {"title": practice.title}
    notify_in_site(person, text, path)


def queue_moderators(practice: Practice):
    """Who hears of a new submission: the moderators of its Union régionale, or of the
    Confédération when it has no cooperative or its UR has no moderator."""
    moderators = User.objects.filter(role=Role.MODERATOR, is_active=True)
    unions = practice.cooperatives.values("union_id")
    regional = moderators.filter(organisation__in=unions)
    if regional.exists():
        return regional
    return moderators.filter(organisation__kind="confederation")


def notify_moderators(practice: Practice, *, revision: bool) -> None:
    """One email to each moderator of the queue for each submission (not for drafts)."""
    link = absolute_url(reverse("moderation:review", args=[practice.pk]))
    for person in queue_moderators(practice):
        tell_in_the_site(person, "new_submission", practice, link)
        send_email(
            "moderation/new_submission",
            to=person,
            context={
                "name": person.full_name,
                "practice_title": practice.title,
                "link": link,
                "revision": revision,
            },
        )


def awaiting_for(user):
    """The queue of this person: what waits for a decision in their scope, oldest first."""
    return (
        Practice.objects.moderated_by(user)
        .awaiting_review()
        .without_index()
        .select_related("category", "reviewer", "author")
        .prefetch_related("cooperatives__union")
        .order_by("submitted_at", "pk")
    )


def can_moderate(user, practice: Practice) -> bool:
    return moderates(user) and Practice.objects.moderated_by(user).filter(pk=practice.pk).exists()


def register_personal_data() -> None:
    """What moderation holds about a person (GDPR): versions written, notes, decisions taken.

    On account deletion they stay, without their author: the history of shared content must
    remain whole.
    """
    from observatoire.accounts import personal_data
    from observatoire.practices.models import StaffNote

    def erase(queryset, field: str):
        def run(user) -> None:
            queryset.filter(**{field: user}).update(**{field: None})

        return run

    personal_data.register(
        "versions_de_pratiques",
        export=lambda user: list(
            PracticeVersion.objects.filter(author=user).values(
                "practice__title", "number", "state", "created_at", "note"
            )
        ),
        erase=erase(PracticeVersion.objects.all(), "author"),
    )
    personal_data.register(
        "notes_de_moderation",
        export=lambda user: list(
            StaffNote.objects.filter(author=user).values("practice__title", "text", "created_at")
        ),
        erase=erase(StaffNote.objects.all(), "author"),
    )
    personal_data.register(
        "journal_de_moderation",
        export=lambda user: list(
            ModerationEvent.objects.filter(actor=user).values(
                "practice_title", "action", "message", "created_at"
            )
        ),
        erase=erase(ModerationEvent.objects.all(), "actor"),
    )
