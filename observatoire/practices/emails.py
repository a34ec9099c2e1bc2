"""The emails of moderation, built when they are sent (lib/mail.py): the task holds ids, the
text comes from the practice and the journal as they are then."""

from django.urls import reverse

from observatoire.accounts.models import User
from observatoire.lib.mail import Email, absolute_url, email_kind
from observatoire.practices.models import Practice
from observatoire.practices.versions import ModerationEvent
from observatoire.practices.workflow import decision_link

DECISIONS = {"published", "changes_requested", "declined"}
RESTORATIONS = {"restoration_proposed", "restored"}


def _practice(pk: int) -> Practice | None:
    return Practice.objects.alive().without_index().filter(pk=pk).first()


@email_kind("moderation_decision")
def decision(*, person: int, practice: int, event: int, kind: str, revision: bool):
    """A decision on a practice, to its author or a cooperative's admin."""
    recipient, found = User.objects.active(person), _practice(practice)
    entry = ModerationEvent.objects.filter(pk=event).first()
    if recipient is None or found is None or entry is None or kind not in DECISIONS:
        return None
    is_author = recipient.pk == found.author_id
    return Email(
        f"moderation/{kind}",
        to=recipient,
        context={
            "practice_title": found.title,
            "message": entry.message,
            "link": decision_link(found, kind, is_author=is_author, revision=revision),
            "is_author": is_author,
            "revision": revision,
        },
    )


@email_kind("restoration")
def restoration(*, person: int, practice: int, number: int, kind: str):
    """A moderator brought back an older version: proposed for review, or done."""
    recipient, found = User.objects.active(person), _practice(practice)
    if recipient is None or found is None or kind not in RESTORATIONS:
        return None
    link = absolute_url(reverse("practices:history", args=[found.slug]))
    return Email(
        f"moderation/{kind}",
        to=recipient,
        context={"practice_title": found.title, "number": number, "link": link},
    )


@email_kind("new_submission")
def new_submission(*, person: int, practice: int, revision: bool):
    """A practice waits for the moderators of its queue."""
    return _to_review("new_submission", person=person, practice=practice, revision=revision)


@email_kind("returned_for_review")
def returned_for_review(*, person: int, practice: int, revision: bool):
    """A resubmission goes back to the moderator who asked for the changes."""
    return _to_review("returned_for_review", person=person, practice=practice, revision=revision)


def _to_review(template: str, *, person: int, practice: int, revision: bool):
    recipient, found = User.objects.active(person), _practice(practice)
    if recipient is None or found is None:
        return None
    link = absolute_url(reverse("moderation:review", args=[found.pk]))
    return Email(
        f"moderation/{template}",
        to=recipient,
        context={"practice_title": found.title, "link": link, "revision": revision},
    )
