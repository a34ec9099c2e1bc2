"""Moderation of practices, for the views: who moderates what, the queues, and what a revision
proposes. The steps themselves are methods of the practice (workflow.py: ``practice.take(by=…)``,
``publish``, ``request_changes``, ``decline``…); versions, snapshots and the audit log live in
versions.py. Imports go one way: moderation → models → workflow → versions.
"""

from observatoire.accounts.models import Role
from observatoire.network.models import Cooperative
from observatoire.practices.models import Attachment, Practice
from observatoire.practices.versions import (
    CONTENT_FIELDS,
    document_entries,
    documents_of,
    pk_of,
    record_save,
    record_version,
    snapshot_of,
)

# For the admin and the contribution views, which record versions through this module.
__all__ = ["record_save", "record_version"]

Status = Practice.Status


def moderates(user) -> bool:
    """Whether this person has a moderation queue (the server checks each practice too)."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    return user.role in {Role.PERMANENT, Role.MODERATOR} and user.organisation_id is not None


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
