"""What the Observatory holds about a person, for the GDPR export and account deletion: the
practices and documents they wrote or sent, the versions they saved, moderation notes and
decisions. Registered in ``PracticesConfig.ready()``.

On account deletion, contributions stay for the movement, without their author: the history of
shared content must remain whole.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from observatoire.accounts import personal_data
from observatoire.lib.cache import forget_practice_content
from observatoire.notifications.models import Notification
from observatoire.practices.models import (
    Attachment,
    ModerationEvent,
    Practice,
    PracticeVersion,
    StaffNote,
)


def export_practices(user) -> list[dict]:
    return [
        {
            "titre": practice.title,
            "état": practice.get_status_display(),
            "créée le": practice.created_at,
            "modifiée le": practice.updated_at,
            "soumise le": practice.submitted_at,
            "publiée le": practice.published_at,
        }
        for practice in Practice.objects.filter(author=user).without_index().order_by("-created_at")
    ]


CONTACT_FIELDS = ("contact_name", "contact_role", "contact_email")


def erase_practices(user) -> None:
    """The practices once published stay for the movement, without their author, nor the
    author's name and address as their contact, in the practice and in each of its versions.
    Those never published (drafts, submissions, refusals) were the author's alone: they go,
    with their versions, documents and journal entries."""
    never_published = Practice.objects.filter(author=user, published_at__isnull=True)
    ModerationEvent.objects.filter(practice__in=never_published).delete()
    # Others' notifications about them (« … attend votre relecture ») name them by title.
    links = [
        path
        for pk, slug in never_published.values_list("pk", "slug")
        for path in (
            reverse("moderation:review", args=[pk]),
            reverse("practices:detail", args=[slug]),
            reverse("practices:history", args=[slug]),
        )
    ]
    Notification.objects.filter(url__in=links).delete()
    for attachment in Attachment.objects.filter(practice__in=never_published):
        attachment.file.delete(save=False)
    never_published.delete()
    contact = Practice.objects.filter(contact_email__iexact=user.email)
    authored = Practice.objects.filter(author=user)
    touched = {*contact.values_list("pk", flat=True), *authored.values_list("pk", flat=True)}
    contact.update(contact_name="", contact_role="", contact_email="")
    authored.update(author=None)
    erase_contact_in_versions(user, touched)
    forget_practice_content(*touched)  # their pages; no card shows a contact or an author


def erase_contact_in_versions(user, practices: set[int]) -> None:
    """The person as the contact in the saved versions of these practices (their address, or
    their name on a practice they wrote), blanked in each snapshot."""
    name = " ".join(user.full_name.split()).casefold()
    address = user.email.casefold()
    versions = PracticeVersion.objects.filter(
        Q(practice__in=practices) | Q(snapshot__contact_email__iexact=user.email)
    )
    for version in versions.only("snapshot"):
        snapshot = version.snapshot
        if not isinstance(snapshot, dict):
            continue
        email = str(snapshot.get("contact_email") or "").casefold()
        named = " ".join(str(snapshot.get("contact_name") or "").split()).casefold()
        if (address and email == address) or (name and named == name):
            snapshot.update(dict.fromkeys(CONTACT_FIELDS, ""))
            PracticeVersion.objects.filter(pk=version.pk).update(snapshot=snapshot)


def export_uploads(user) -> list[dict]:
    return [
        {
            "intitulé": attachment.title,
            "nom d'origine": attachment.original_name,
            "type": attachment.content_type,
            "taille (octets)": attachment.size,
            "pratique": attachment.practice.title if attachment.practice else None,
            "déposé le": attachment.created_at,
        }
        for attachment in Attachment.objects.filter(uploaded_by=user)
        .select_related("practice")
        .order_by("-created_at")
    ]


def erase_uploads(user) -> None:
    """Documents joined to a practice stay with it; uploads never joined go, files included."""
    for attachment in Attachment.objects.filter(uploaded_by=user, practice=None):
        attachment.file.delete(save=False)
        attachment.delete()
    Attachment.objects.filter(uploaded_by=user).update(uploaded_by=None)


def unsign(queryset, field: str):
    """An ``erase`` that keeps the rows and forgets who wrote them."""

    def run(user) -> None:
        queryset.filter(**{field: user}).update(**{field: None})

    return run


def register_all() -> None:
    practice, attachment = personal_data.fields(Practice), personal_data.fields(Attachment)
    version, note = personal_data.fields(PracticeVersion), personal_data.fields(StaffNote)
    event = personal_data.fields(ModerationEvent)
    personal_data.register(
        "pratiques",
        title=_("pratiques"),
        export=export_practices,
        erase=erase_practices,
        labels={
            "titre": practice("title"),
            "état": practice("status"),
            "créée le": practice("created_at"),
            "modifiée le": practice("updated_at"),
            "soumise le": practice("submitted_at"),
            "publiée le": practice("published_at"),
        },
    )
    personal_data.register(
        "documents déposés",
        title=_("documents déposés"),
        export=export_uploads,
        erase=erase_uploads,
        labels={
            "intitulé": attachment("title"),
            "nom d'origine": attachment("original_name"),
            "type": _("type de fichier"),
            "taille (octets)": _("taille (octets)"),
            "pratique": attachment("practice"),
            "déposé le": attachment("created_at"),
        },
    )
    personal_data.register(
        "versions_de_pratiques",
        title=_("versions des pratiques"),
        export=lambda user: list(
            PracticeVersion.objects.filter(author=user).values(
                "practice__title", "number", "state", "created_at", "note"
            )
        ),
        erase=unsign(PracticeVersion.objects.all(), "author"),
        labels={
            "practice__title": version("practice"),
            "number": version("number"),
            "state": version("state"),
            "created_at": version("created_at"),
            "note": version("note"),
        },
    )
    personal_data.register(
        "notes_de_moderation",
        title=_("notes de l'équipe"),
        export=lambda user: list(
            StaffNote.objects.filter(author=user).values("practice__title", "text", "created_at")
        ),
        erase=unsign(StaffNote.objects.all(), "author"),
        labels={
            "practice__title": note("practice"),
            "text": note("text"),
            "created_at": note("created_at"),
        },
    )
    personal_data.register(
        "journal_de_moderation",
        title=_("journal de modération"),
        export=lambda user: list(
            ModerationEvent.objects.filter(actor=user).values(
                "practice_title", "action", "message", "created_at"
            )
        ),
        erase=unsign(ModerationEvent.objects.all(), "actor"),
        labels={
            "practice_title": event("practice_title"),
            "action": event("action"),
            "message": event("message"),
            "created_at": event("created_at"),
        },
    )
