"""Moderation's steps, as methods of a practice (``ModerationMixin``, a base of Practice):
``practice.submit(by=…)``, ``take``, ``release``, ``publish``, ``request_changes``, ``decline``,
``propose_revision``, ``restore_version``, ``soft_delete`` and ``undelete``.

A submission (or a revision) that answers a request for changes goes back to the moderator who
asked for them, when that person still may review it; anything else waits in the queue. A
decision is an entry of the journal naming the version it was taken on, never a version.

Every step is a conditional update of the practice naming the ``review_version`` it was taken
on: of two moderators deciding at the same moment, the first update matches and the second
finds nothing to update (``Conflict``), so there is never a second decision, audit entry or
email. The rest of the step runs in the same transaction, emails included (they are queued
in the database), so a step is saved whole or not at all.

This module imports versions.py and lower apps only; models.py imports it.
"""

from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from observatoire.accounts.models import Role, User
from observatoire.lib.cache import forget_practice
from observatoire.lib.mail import absolute_url, send_email
from observatoire.notifications.notify import notify as notify_in_site
from observatoire.practices.signals import practice_published
from observatoire.practices.versions import (
    ModerationEvent,
    PracticeVersion,
    apply_snapshot,
    documents_of,
    keep_live_content,
    log,
    record_version,
    version_decided_on,
)

# What a moderator may still decide on (a first submission or a revision).
AWAITING = ("submitted", "in_review")
Action = ModerationEvent.Action
DECISIONS = (Action.PUBLISHED, Action.CHANGES_REQUESTED, Action.DECLINED)
State = PracticeVersion.State
# Who takes a step: the views pass ``request.user``, behind decorators that let only the right
# people in (and the four-eyes rule is checked here).
Person = User | AnonymousUser


class Conflict(Exception):
    """Someone else moderated this practice since the page was loaded."""


class OwnContribution(Exception):
    """Four eyes: nobody takes or decides on what they wrote, administrators apart."""


OWN_CONTRIBUTION = gettext_lazy("Vous ne pouvez pas modérer votre propre contribution.")


def is_own_contribution(user, practice) -> bool:
    """Whether the four-eyes rule keeps this person from taking or deciding on the practice.

    Its author writes a practice and its revisions (``authored_by``); a moderator who proposed
    to restore an older version of a published practice wrote that revision. Neither decides on
    it. Administrators are exempt: the platform may have a single one.
    """
    if not getattr(user, "is_authenticated", False) or user.role == Role.ADMINISTRATOR:
        return False
    if practice.author_id is not None and practice.author_id == user.pk:
        return True
    return practice.revision_id is not None and practice.revision_author_id() == user.pk


class ModerationMixin:
    """The moderation steps of Practice. Each claims its transition with one conditional update
    on ``review_version`` (``expected``: the number the person saw, by default the one loaded),
    or raises Conflict."""

    if TYPE_CHECKING:  # what Practice provides
        objects: Any
        Status: ClassVar[Any]
        pk: Any
        status: Any
        revision_status: Any
        revision: Any
        revision_id: Any
        _state: Any
        reviewer: Any
        review_version: Any
        submitted_at: Any
        published_at: Any
        moderation_message: Any
        moderation_events: Any

        def save(self, *args: Any, **kwargs: Any) -> None: ...
        def refresh_from_db(self, *args: Any, **kwargs: Any) -> None: ...
        def reindex(self) -> None: ...
        def refresh_related(self) -> None: ...
        def refresh_body(self) -> None: ...

    @transaction.atomic
    def submit(self, *, by: Person) -> None:
        """Send the practice to the moderators of its cooperative's Union régionale (back to
        the one who asked for changes, when it answers a request)."""
        answered = self.changes_request() if self.status == self.Status.CHANGES_REQUESTED else None
        self.status = self.Status.SUBMITTED
        self.submitted_at = timezone.now()
        self.reviewer = None
        self.review_version += 1
        self.save()
        record_version(self, by=by, note=_("Soumise à la relecture"), only_if_changed=True)
        log(self, by=by, action=Action.SUBMITTED)
        self._send_for_review(answered, revision=False)

    @transaction.atomic
    def take(self, *, by: Person, expected: int | None = None) -> None:
        self._refuse_own(by)
        self._claim(expected, states=[self.Status.SUBMITTED], to=self.Status.IN_REVIEW, reviewer=by)
        log(self, by=by, action=Action.TAKEN)

    @transaction.atomic
    def release(self, *, by: Person, expected: int | None = None) -> None:
        self._claim(
            expected, states=[self.Status.IN_REVIEW], to=self.Status.SUBMITTED, reviewer=None
        )
        log(self, by=by, action=Action.RELEASED)

    @transaction.atomic
    def publish(self, *, by: Person, expected: int | None = None, message: str = "") -> None:
        self._refuse_own(by)
        revision = self.revision if self.status == self.Status.PUBLISHED else None
        first = self.published_at is None
        self._claim(expected, states=AWAITING)
        if revision is not None:
            keep_live_content(self, by=None)
            apply_snapshot(self, revision.snapshot)
            PracticeVersion.objects.filter(pk=revision.pk).update(state=State.PUBLISHED)
        self.status = self.Status.PUBLISHED
        self.revision_status = ""
        self.revision = None
        self.moderation_message = message
        if first:
            self.published_at = timezone.now()
        self.save()
        self.reindex()
        version = self._published_version(revision)
        event = log(self, by=by, action=Action.PUBLISHED, message=message, version=version)
        tell_people(self, "published", event=event, revision=revision is not None)
        practice_published.send(sender=type(self), practice=self, first=first)

    @transaction.atomic
    def request_changes(self, *, by: Person, message: str, expected: int | None = None) -> None:
        self._refuse_own(by)
        revision = self.revision if self.status == self.Status.PUBLISHED else None
        self._claim(
            expected,
            states=AWAITING,
            to=self.Status.CHANGES_REQUESTED,
            moderation_message=message,
        )
        version = self._decide_on_revision(revision, State.RETURNED, message=message)
        event = log(self, by=by, action=Action.CHANGES_REQUESTED, message=message, version=version)
        tell_people(self, "changes_requested", event=event, revision=revision is not None)

    @transaction.atomic
    def decline(self, *, by: Person, reason: str, expected: int | None = None) -> None:
        self._refuse_own(by)
        revision = self.revision if self.status == self.Status.PUBLISHED else None
        self._claim(expected, states=AWAITING, to=self.Status.DECLINED, moderation_message=reason)
        if revision is not None:
            # The live practice stays as it was; the next edit starts from it again.
            type(self).objects.filter(pk=self.pk).update(revision=None)
            self.revision = None
        version = self._decide_on_revision(revision, State.DECLINED, message=reason)
        event = log(self, by=by, action=Action.DECLINED, message=reason, version=version)
        tell_people(self, "declined", event=event, revision=revision is not None)

    def _published_version(self, revision) -> PracticeVersion:
        """The version now online: the revision published (a copy of it after the live content
        kept meanwhile, so that the last version is the content), or the first submission's."""
        if revision is not None:
            return version_decided_on(self, by=revision.author, note=_("Modification publiée"))
        version = version_decided_on(self, by=None, note=_("Publiée"))
        PracticeVersion.objects.filter(pk=version.pk).update(state=State.PUBLISHED)
        version.state = State.PUBLISHED
        return version

    def changes_request(self) -> ModerationEvent | None:
        """The request for changes the practice (or its revision) answers, with the version it
        sent back: the last decision taken on it, when it asked for changes."""
        decision = (
            self.moderation_events.filter(action__in=DECISIONS)
            .select_related("actor", "version")
            .first()
        )
        if decision is None or decision.action != Action.CHANGES_REQUESTED:
            return None
        return decision

    def may_be_reviewed_by(self, person: User) -> bool:
        """Whether this person may take the practice: active, moderating its queue, and
        neither its author nor its revision's (four eyes)."""
        return (
            person.is_active
            and not is_own_contribution(person, self)
            and type(self).objects.moderated_by(person).filter(pk=self.pk).exists()
        )

    def _send_for_review(self, answered: ModerationEvent | None, *, revision: bool) -> None:
        """A resubmission goes back to the moderator who asked for changes, taken on their
        behalf, when they still may review it; anything else waits for the whole queue."""
        reviewer = answered.actor if answered is not None else None
        if reviewer is None or not self.may_be_reviewed_by(reviewer):
            notify_moderators(self, revision=revision)
            return
        self._claim(
            None, states=[self.Status.SUBMITTED], to=self.Status.IN_REVIEW, reviewer=reviewer
        )
        log(self, by=reviewer, action=Action.ASSIGNED)
        tell_reviewer(self, reviewer, revision=revision)

    def revision_author_id(self) -> int | None:
        """Who wrote the revision waiting for review (its author, or who proposed to restore
        an older version), from the row already loaded when it was (``select_related``)."""
        if self.revision_id is None:
            return None
        if "revision" in self._state.fields_cache:  # type: ignore[attr-defined]
            revision = self.revision
            return revision.author_id if revision is not None else None
        return (
            PracticeVersion.objects.filter(pk=self.revision_id)
            .values_list("author_id", flat=True)
            .first()
        )

    @transaction.atomic
    def propose_revision(
        self, *, by: Person, snapshot: dict, note: str | None = None
    ) -> PracticeVersion:
        """An author's edit of a published practice (or a moderator's restoration of an older
        version of it): queued, the live practice left unchanged."""
        sent_back = self.revision_status == self.Status.CHANGES_REQUESTED
        answered = self.changes_request() if sent_back else None
        expected = self.review_version
        version = record_version(
            self,
            by=by,
            note=note or _("Modification proposée"),
            state=State.PROPOSED,
            snapshot=snapshot,
        )
        updated = (
            type(self)
            .objects.alive()
            .filter(pk=self.pk, review_version=expected, status=self.Status.PUBLISHED)
            .exclude(revision_status__in=AWAITING)
            .update(
                revision=version,
                revision_status=self.Status.SUBMITTED,
                reviewer=None,
                submitted_at=timezone.now(),
                review_version=expected + 1,
            )
        )
        if updated != 1:
            raise Conflict
        self.refresh_from_db()
        log(self, by=by, action=Action.SUBMITTED, version=version)
        self._send_for_review(answered, revision=True)
        assert version is not None
        return version

    @transaction.atomic
    def restore_version(self, version: PracticeVersion, *, by: Person) -> PracticeVersion:
        """Make the practice say what an old version said, as a new version.

        A published practice is not changed at once: the old text is proposed as a revision,
        reviewed like an author's (four eyes: not by whoever proposed it), the live practice
        unchanged meanwhile. Its documents stay as they are (a document removed is deleted).
        Either way its author is told."""
        if self.status == self.Status.PUBLISHED:
            snapshot = {**version.snapshot, "attachments": documents_of(self)}
            note = _("Restauration de la version %(n)d proposée") % {"n": version.number}
            new = self.propose_revision(by=by, snapshot=snapshot, note=note)
            log(self, by=by, action=Action.RESTORED_VERSION, version=new, message=note)
            tell_author_of_restoration(self, version, by=by, proposed=True)
            return new
        keep_live_content(self, by=None)
        apply_snapshot(self, version.snapshot, documents=False)
        type(self).objects.filter(pk=self.pk).update(review_version=self.review_version + 1)
        restored = record_version(
            self, by=by, note=_("Restauration de la version %(n)d") % {"n": version.number}
        )
        assert restored is not None
        log(self, by=by, action=Action.RESTORED_VERSION, version=restored)
        tell_author_of_restoration(self, version, by=by, proposed=False)
        return restored

    @transaction.atomic
    def soft_delete(self, *, by: Person, message: str = "") -> None:
        updated = (
            type(self)
            .objects.alive()
            .filter(pk=self.pk)
            .update(
                deleted_at=timezone.now(), deleted_by=by, review_version=self.review_version + 1
            )
        )
        if updated != 1:
            raise Conflict
        self.refresh_from_db()
        self.refresh_related()  # « Pratiques proches » of others no longer show it
        forget_practice(self)  # its page, and the lists it leaves
        log(self, by=by, action=Action.DELETED, message=message)

    @transaction.atomic
    def undelete(self, *, by: Person) -> None:
        updated = (
            type(self).objects.deleted().filter(pk=self.pk).update(deleted_at=None, deleted_by=None)
        )
        if updated != 1:
            raise Conflict
        self.refresh_from_db()
        self.refresh_related()
        self.refresh_body()
        forget_practice(self)
        log(self, by=by, action=Action.UNDELETED)

    def _refuse_own(self, by) -> None:
        if is_own_contribution(by, self):
            raise OwnContribution

    def _claim(self, expected: int | None, *, states, **changes) -> None:
        """Move the practice on from ``expected`` if nobody did since, else raise Conflict."""
        expected = self.review_version if expected is None else expected
        published = self.status == self.Status.PUBLISHED
        field = "revision_status" if published else "status"
        base = type(self).objects.alive().filter(pk=self.pk, review_version=expected)
        if published:
            base = base.filter(status=self.Status.PUBLISHED)
        new_state = changes.pop("to", None)
        if new_state is not None:
            changes[field] = new_state
        updated = base.filter(**{f"{field}__in": states}).update(
            review_version=expected + 1, updated_at=timezone.now(), **changes
        )
        if updated != 1:
            raise Conflict
        self.refresh_from_db()

    def _decide_on_revision(self, revision, state: str, *, message: str):
        """Mark a revision with the decision; a first submission's decision is on the version
        of its content (not a version of its own: the journal keeps the decision)."""
        if revision is not None:
            PracticeVersion.objects.filter(pk=revision.pk).update(state=state)
            return revision
        label = State(state).label
        return version_decided_on(self, by=None, note=f"{label} : {message}")


# Emails (and in-site notifications) to the author, the cooperatives' admins and moderators.


def recipients(practice) -> list[User]:
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


def tell_people(practice, kind: str, *, event: ModerationEvent, revision: bool) -> None:
    """A decision reaches the author and the cooperatives' admins, by email and in the site.
    The email is built when sent, from the decision's entry in the journal (practices/emails.py)."""
    for person in recipients(practice):
        link = decision_link(
            practice, kind, is_author=person.pk == practice.author_id, revision=revision
        )
        tell_in_the_site(person, kind, practice, link)
        send_email(
            "moderation_decision",
            person=person.pk,
            practice=practice.pk,
            event=event.pk,
            kind=kind,
            revision=revision,
        )


def decision_link(practice, kind: str, *, is_author: bool, revision: bool) -> str:
    """Where a decision's email and notification lead this person."""
    if kind == "published" or (revision and not is_author):
        return absolute_url(practice.get_absolute_url())
    if kind == "changes_requested" and is_author:
        return absolute_url(reverse("practices:edit", args=[practice.slug]))
    if is_author:
        return absolute_url(reverse("practices:my_contributions"))
    return ""


def tell_author_of_restoration(practice, version, *, by, proposed: bool) -> None:
    """The author hears that a moderator brought back an older version of their practice:
    proposed for review (a published practice) or done (one not yet online)."""
    author = practice.author
    if author is None or not author.is_active or author.pk == getattr(by, "pk", None):
        return
    kind = "restoration_proposed" if proposed else "restored"
    link = absolute_url(reverse("practices:history", args=[practice.slug]))
    tell_in_the_site(author, kind, practice, link)
    send_email(
        "restoration", person=author.pk, practice=practice.pk, number=version.number, kind=kind
    )


def tell_reviewer(practice, person: User, *, revision: bool) -> None:
    """The moderator a resubmission goes back to hears of it, as of a new submission."""
    link = absolute_url(reverse("moderation:review", args=[practice.pk]))
    tell_in_the_site(person, "returned_for_review", practice, link)
    send_email("returned_for_review", person=person.pk, practice=practice.pk, revision=revision)


IN_THE_SITE = {
    "restoration_proposed": gettext_noop(
        "La restauration d'une version antérieure de « %(title)s » est proposée à la relecture."
    ),
    "restored": gettext_noop("Une version antérieure de « %(title)s » a été restaurée."),
    "published": gettext_noop("« %(title)s » est publiée."),
    "changes_requested": gettext_noop("Des modifications sont demandées pour « %(title)s »."),
    "declined": gettext_noop("« %(title)s » n'a pas été retenue."),
    "new_submission": gettext_noop("Une pratique attend votre relecture : « %(title)s »."),
    "returned_for_review": gettext_noop(
        "« %(title)s » est soumise à nouveau après les modifications que vous avez "
        "demandées : elle vous revient pour relecture."
    ),
}


def tell_in_the_site(person: User, kind: str, practice, link: str) -> None:
    """The same news in the person's notifications, in their language, linking to the page."""
    path = urlsplit(link).path if link else ""
    with translation.override(person.language):
        text = _(IN_THE_SITE[kind]) % {"title": practice.title}
    notify_in_site(person, text, path)


def queue_moderators(practice):
    """Who hears of a new submission: the moderators of its Union régionale, or of the
    Confédération when it has no cooperative or its UR has no moderator."""
    moderators = User.objects.filter(role=Role.MODERATOR, is_active=True)
    unions = practice.cooperatives.values("union_id")
    regional = moderators.filter(organisation__in=unions)
    if regional.exists():
        return regional
    return moderators.filter(organisation__kind="confederation")


def notify_moderators(practice, *, revision: bool) -> None:
    """One email to each moderator of the queue for each submission (not for drafts)."""
    link = absolute_url(reverse("moderation:review", args=[practice.pk]))
    for person in queue_moderators(practice):
        tell_in_the_site(person, "new_submission", practice, link)
        send_email("new_submission", person=person.pk, practice=practice.pk, revision=revision)
