"""Views of moderation: the queue, the review of a submission, decisions, history, the trash,
the audit log, and the author's revision of a published practice.

Every view checks on the server that the person moderates the practice's queue (moderation.py);
a practice outside it is a 404, as if it did not exist.
"""

from functools import wraps
from types import SimpleNamespace
from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from observatoire.accounts.models import User
from observatoire.lib.numbers import parse_int
from observatoire.lib.pagination import paginate
from observatoire.network.models import Cooperative
from observatoire.practices import moderation
from observatoire.practices.diff import compare
from observatoire.practices.forms import (
    AttachmentsForm,
    PracticeForm,
    attachment_url,
    error_summary,
)
from observatoire.practices.models import (
    Attachment,
    Category,
    ModerationEvent,
    Practice,
    PracticeVersion,
    StaffNote,
    Theme,
)
from observatoire.practices.moderation_forms import (
    CHANGES,
    DECISIONS,
    DECLINE,
    PUBLISH,
    DecisionForm,
    DeleteForm,
    StaffNoteForm,
)
from observatoire.practices.versions import (
    CONTENT_FIELDS,
    CONTENT_STATES,
    changes_nothing,
    document_entries,
    jsonable,
    snapshot_of,
)
from observatoire.practices.workflow import (
    AWAITING,
    OWN_CONTRIBUTION,
    Conflict,
    OwnContribution,
    is_own_contribution,
)

# Only what the practice once said: a revision never accepted goes through a decision instead.
RESTORABLE = [PracticeVersion.State.SAVED, PracticeVersion.State.PUBLISHED]
CONFLICT = gettext_lazy(
    "Une autre personne vient de décider pour cette pratique ou de la prendre en charge : "
    "votre action n'a pas été enregistrée. Voici son état actuel."
)


def moderator_required(view):
    """Signed in, and moderating a queue; otherwise a French « accès refusé » page."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not moderation.moderates(request.user):
            raise PermissionDenied(_("Cette page est réservée à l'équipe de modération."))
        return view(request, *args, **kwargs)

    return wrapped


def get_moderated(user, pk: int, *, deleted: bool = False) -> Practice:
    """A practice of this person's queue (deleted ones only from the trash), or a 404."""
    practices = Practice.objects.moderated_by(user)
    practices = practices.deleted() if deleted else practices.alive()
    try:
        return practices.select_related("reviewer", "author", "category", "revision").get(pk=pk)
    except Practice.DoesNotExist as error:
        raise Http404(_("Cette pratique n'existe pas ou n'est pas dans votre file.")) from error


@require_safe
@moderator_required
def queue(request: HttpRequest) -> HttpResponse:
    practices = moderation.awaiting_for(request.user)
    state = request.GET.get("etat", "")
    if state in {Practice.Status.SUBMITTED, Practice.Status.IN_REVIEW}:
        practices = practices.filter(
            Q(status=state) | Q(status=Practice.Status.PUBLISHED, revision_status=state)
        )
    context = paginate(request, practices)
    context["page"].object_list = rows = list(context["page"].object_list)
    for practice in rows:
        setattr(practice, "own", is_own_contribution(request.user, practice))  # noqa: B010
    if state:
        keep_filters(context, {"etat": state})
    return render(request, "practices/moderation/queue.html", {**context, "state": state})


def keep_filters(context: dict, filters: dict) -> None:
    """The pagination links of a filtered list keep its filters."""
    for key in ("previous_url", "next_url"):
        if context[key]:
            page = context[key].split("=", 1)[1]
            context[key] = "?" + urlencode({**filters, "page": page})


class Rows(list):
    """A list that templates may read like a related manager (``.all``)."""

    def all(self):
        return self


def as_published(practice: Practice, snapshot: dict) -> SimpleNamespace:
    """The practice as a revision would make it, for practice_body.html."""
    fields = {name: snapshot.get(name) for name in CONTENT_FIELDS}
    category = snapshot.get("category")
    cooperative_ids = [pk for pk, _name in snapshot.get("cooperatives", [])]
    return SimpleNamespace(
        **fields,
        pk=practice.pk,
        slug=practice.slug,
        published_at=practice.published_at,
        is_public=fields["visibility"] == Practice.Visibility.PUBLIC,
        category=Category.objects.filter(pk=category[0]).first() if category else None,
        themes=Rows(Theme.objects.filter(pk__in=[pk for pk, _n in snapshot.get("themes", [])])),
        tags=Rows(SimpleNamespace(name=name) for name in snapshot.get("tags", [])),
        links=Rows(SimpleNamespace(url=u, title=t) for u, t in snapshot.get("links", [])),
        attachments=Rows(revised_documents(practice, snapshot)),
        cooperatives=Rows(Cooperative.objects.with_card().filter(pk__in=cooperative_ids)),
    )


def revised_documents(practice: Practice, snapshot: dict) -> list:
    """The documents a revision would leave on the practice, with their titles and addresses
    (a new one is still pending: moderators open it through its pending address)."""
    entries = document_entries(snapshot)
    if entries is None:  # a revision proposed before documents could be revised
        return list(practice.attachments.all())
    found = {
        attachment.pk: attachment
        for attachment in Attachment.objects.filter(pk__in=[e["id"] for e in entries])
        .filter(Q(practice=practice) | Q(practice=None))
        .select_related("practice")
    }
    documents = []
    for entry in entries:
        attachment = found.get(entry["id"])
        if attachment is None:
            continue
        documents.append(
            SimpleNamespace(
                pk=attachment.pk,
                title=entry["title"] or attachment.title,
                content_type=attachment.content_type,
                size=attachment.size,
                review_url=attachment_url(attachment),
            )
        )
    return documents


def decision_forms(practice: Practice, bound: DecisionForm | None = None) -> list[DecisionForm]:
    forms = []
    for decision, _label in DECISIONS:
        if bound is not None and bound.kind == decision:
            forms.append(bound)
        else:
            forms.append(
                DecisionForm(decision=decision, initial={"version": practice.review_version})
            )
    return forms


def render_review(request, practice: Practice, *, bound=None, note_form=None, status=200):
    revision = practice.revision if practice.status == Practice.Status.PUBLISHED else None
    shown: object
    if revision is not None:
        shown = as_published(practice, revision.snapshot)
        changes = compare(snapshot_of(practice), revision.snapshot)
    else:
        shown = get_object_or_404(
            Practice.objects.prefetch_related(
                Prefetch("cooperatives", queryset=Cooperative.objects.with_card()),
                "themes",
                "tags",
                "links",
                "attachments",
            ).select_related("category"),
            pk=practice.pk,
        )
        changes = None
    answered, since_request = changes_since_request(practice, revision)
    body = render_to_string("practices/practice_body.html", {"practice": shown}, request=request)
    own = is_own_contribution(request.user, practice)
    deciding = practice.review_status == "in_review" and not own
    context = {
        "practice": practice,
        "revision": revision,
        "body": body,
        "changes": changes,
        "answered": answered,
        "since_request": since_request,
        "own": own,
        "forms": decision_forms(practice, bound) if deciding else [],
        "note_form": note_form or StaffNoteForm(),
        "notes": practice.staff_notes.select_related("author"),
        "events": practice.moderation_events.select_related("actor")[:20],
        "delete_form": DeleteForm(),
    }
    return render(request, "practices/moderation/review.html", context, status=status)


def changes_since_request(practice: Practice, revision) -> tuple[ModerationEvent | None, list]:
    """A resubmission's request for changes, and what changed since the version it sent back
    (the revision resubmitted, or the practice's content)."""
    answered = practice.changes_request() if practice.is_awaiting_review else None
    if answered is None or answered.version is None:
        return None, []
    resubmitted = revision.snapshot if revision is not None else snapshot_of(practice)
    return answered, compare(answered.version.snapshot, resubmitted)


@require_safe
@moderator_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return render_review(request, get_moderated(request.user, pk))


def expected_version(request) -> int:
    version = parse_int(request.POST.get("version"))
    return -1 if version is None else version


@require_POST
@moderator_required
def take(request: HttpRequest, pk: int) -> HttpResponse:
    practice = get_moderated(request.user, pk)
    try:
        practice.take(by=request.user, expected=expected_version(request))
        messages.success(request, _("Vous avez pris en charge cette pratique."))
    except OwnContribution:
        messages.error(request, OWN_CONTRIBUTION)
    except Conflict:
        messages.error(request, CONFLICT)
    return redirect("moderation:review", pk=practice.pk)


@require_POST
@moderator_required
def release(request: HttpRequest, pk: int) -> HttpResponse:
    practice = get_moderated(request.user, pk)
    try:
        practice.release(by=request.user, expected=expected_version(request))
        messages.success(request, _("La pratique est rendue à la file de modération."))
    except Conflict:
        messages.error(request, CONFLICT)
    return redirect("moderation:review", pk=practice.pk)


DONE = {
    PUBLISH: gettext_lazy("La pratique est publiée ; son auteur·rice est prévenu·e par courriel."),
    CHANGES: gettext_lazy(
        "Les modifications sont demandées à l'auteur·rice, prévenu·e par courriel."
    ),
    DECLINE: gettext_lazy("La pratique est refusée ; son auteur·rice est prévenu·e par courriel."),
}


@require_POST
@moderator_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    practice = get_moderated(request.user, pk)
    if is_own_contribution(request.user, practice):
        messages.error(request, OWN_CONTRIBUTION)
        return redirect("moderation:review", pk=practice.pk)
    decision = request.POST.get("decision", "")
    if decision not in DONE:
        decision = next((d for d, _l in DECISIONS if f"{d}-decision" in request.POST), "")
    if decision not in DONE:
        messages.error(request, _("Choisissez une décision : publier, modifier ou refuser."))
        return redirect("moderation:review", pk=practice.pk)
    form = DecisionForm(request.POST, decision=decision)
    if not form.is_valid():
        if practice.review_status != Practice.Status.IN_REVIEW:
            messages.error(request, CONFLICT)
            return redirect("moderation:review", pk=practice.pk)
        messages.error(request, _("La décision n'est pas enregistrée : corrigez le champ signalé."))
        return render_review(request, practice, bound=form, status=400)
    message = form.cleaned_data["message"]
    try:
        if practice.review_status != Practice.Status.IN_REVIEW:
            raise Conflict
        expected = form.cleaned_data["version"]
        if decision == PUBLISH:
            practice.publish(by=request.user, expected=expected, message=message)
        elif decision == CHANGES:
            practice.request_changes(by=request.user, expected=expected, message=message)
        else:
            practice.decline(by=request.user, expected=expected, reason=message)
    except OwnContribution:
        messages.error(request, OWN_CONTRIBUTION)
        return redirect("moderation:review", pk=practice.pk)
    except Conflict:
        messages.error(request, CONFLICT)
        return redirect("moderation:review", pk=practice.pk)
    messages.success(request, DONE[decision])
    return redirect("moderation:queue")


@require_POST
@moderator_required
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    practice = get_moderated(request.user, pk)
    form = StaffNoteForm(request.POST)
    if not form.is_valid():
        return render_review(request, practice, note_form=form, status=400)
    author = cast(User, request.user)
    StaffNote.objects.create(practice=practice, author=author, text=form.cleaned_data["text"])
    messages.success(request, _("Note enregistrée."))
    return redirect("moderation:review", pk=practice.pk)


@require_POST
@moderator_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    practice = get_moderated(request.user, pk)
    form = DeleteForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        practice.soft_delete(by=request.user, message=reason)
    except Conflict:
        messages.error(request, CONFLICT)
        return redirect("moderation:trash")
    messages.success(request, _("« %(title)s » est dans la corbeille.") % {"title": practice.title})
    return redirect("moderation:trash")


@require_safe
@moderator_required
def trash(request: HttpRequest) -> HttpResponse:
    practices = (
        Practice.objects.moderated_by(request.user)
        .deleted()
        .without_index()
        .select_related("deleted_by", "author")
        .order_by("-deleted_at", "-pk")
    )
    return render(request, "practices/moderation/trash.html", paginate(request, practices))


@require_POST
@moderator_required
def undelete(request: HttpRequest, pk: int) -> HttpResponse:
    practice = get_moderated(request.user, pk, deleted=True)
    try:
        practice.undelete(by=request.user)
    except Conflict:
        messages.error(request, CONFLICT)
        return redirect("moderation:trash")
    messages.success(request, _("« %(title)s » est restaurée.") % {"title": practice.title})
    return redirect("moderation:trash")


@require_safe
@moderator_required
def journal(request: HttpRequest) -> HttpResponse:
    # What this person moderates, drafts never (an administrator: every practice sent).
    practices = Practice.objects.moderated_by(request.user)
    in_scope = Q(practice__in=practices)
    if cast(User, request.user).is_administrator:
        in_scope |= Q(practice__isnull=True)  # events of practices erased since
    events = ModerationEvent.objects.select_related("actor", "practice").filter(in_scope)
    scope = events
    filters = {}
    practice_id = parse_int(request.GET.get("pratique"))
    if practice_id is not None:
        events = events.filter(practice_id=practice_id)
        filters["pratique"] = practice_id
    actor_id = parse_int(request.GET.get("par"))
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
        filters["par"] = actor_id
    context = paginate(request, events)
    keep_filters(context, filters)
    context["filtering"] = bool(filters)
    # Named only when in scope: an id alone must not tell a practice's title or a name.
    context["filtered_practice"] = (
        practices.filter(pk=practice_id).first() if practice_id is not None else None
    )
    context["filtered_actor"] = (
        User.objects.filter(pk=actor_id, pk__in=scope.values("actor_id")).first()
        if actor_id is not None
        else None
    )
    return render(request, "practices/moderation/journal.html", context)


# History, visible to the author of the practice and to its moderators.


def get_history_practice(user, slug: str) -> tuple[Practice, bool]:
    """The practice and whether this person moderates it; a 404 for anyone else."""
    practice = get_object_or_404(Practice.objects.alive(), slug=slug)
    moderating = moderation.can_moderate(user, practice)
    if not moderating and not (user.is_authenticated and practice.author_id == user.pk):
        raise Http404(_("Cette pratique n'existe pas ou n'est pas accessible."))
    return practice, moderating


@require_safe
@login_required
def history(request: HttpRequest, slug: str) -> HttpResponse:
    practice, moderating = get_history_practice(request.user, slug)
    # Every version (a practice has few), to leave out those that change nothing.
    versions = list(practice.versions.select_related("author").order_by("number"))
    copies = changes_nothing(versions)
    shown = [version for version in reversed(versions) if version.number not in copies]
    # The current content: its last version shown (a copy left out says what it said).
    current = next((v.number for v in shown if v.state in CONTENT_STATES), None)
    context = paginate(request, shown)
    context.update(
        practice=practice, moderating=moderating, current_number=current if moderating else None
    )
    return render(request, "practices/moderation/history.html", context)


@require_safe
@login_required
def version_diff(request: HttpRequest, slug: str) -> HttpResponse:
    practice, moderating = get_history_practice(request.user, slug)
    new = get_object_or_404(practice.versions, number=parse_int(request.GET.get("a")))
    old_number = parse_int(request.GET.get("de"))
    if old_number is None:
        old_number = new.number - 1
    old = practice.versions.filter(number=old_number).first()
    changes = compare(old.snapshot if old else {}, new.snapshot)
    context = {
        "practice": practice,
        "old": old,
        "new": new,
        "changes": changes,
        "moderating": moderating,
    }
    return render(request, "practices/moderation/diff.html", context)


def _without_documents(snapshot: dict) -> dict:
    return {key: value for key, value in jsonable(snapshot).items() if key != "attachments"}


@require_http_methods(["GET", "HEAD", "POST"])
@moderator_required
def restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Bring back an older version: the difference with the current content first, then, once
    confirmed, a new version (a published practice's goes to review, workflow.py)."""
    practice = get_moderated(request.user, pk)
    version = get_object_or_404(
        PracticeVersion, practice=practice, number=number, state__in=RESTORABLE
    )
    current = snapshot_of(practice)
    history = redirect("practices:history", slug=practice.slug)
    if _without_documents(version.snapshot) == _without_documents(current):
        messages.error(request, _("Cette version est déjà le contenu actuel de la pratique."))
        return history
    published = practice.status == Practice.Status.PUBLISHED
    if published and practice.revision_status in AWAITING:
        messages.error(
            request,
            _(
                "Une modification de cette pratique attend déjà la relecture : "
                "décidez-en avant de restaurer une version."
            ),
        )
        return history
    if request.method == "GET":
        context = {
            "practice": practice,
            "version": version,
            "changes": compare(current, version.snapshot),
            "published": published,
        }
        return render(request, "practices/moderation/restore.html", context)
    try:
        new = practice.restore_version(version, by=request.user)
    except Conflict:
        messages.error(request, CONFLICT)
        return history
    if published:
        messages.success(
            request,
            _(
                "La restauration de la version %(old)d est proposée (version %(new)d) : "
                "une autre personne de l'équipe doit la relire avant qu'elle soit en ligne."
            )
            % {"old": version.number, "new": new.number},
        )
    else:
        messages.success(
            request,
            _("La version %(old)d est restaurée : elle devient la version %(new)d.")
            % {"old": version.number, "new": new.number},
        )
    return history


# The author's side: a draft thrown away, a published practice revised.


@require_POST
@login_required
def delete_draft(request: HttpRequest, slug: str) -> HttpResponse:
    practice = get_object_or_404(Practice.objects.authored_by(request.user), slug=slug)
    if practice.status != Practice.Status.DRAFT:
        raise Http404(_("Seul un brouillon peut être supprimé par son auteur·rice."))
    try:
        practice.soft_delete(by=request.user)
    except Conflict:
        return redirect("practices:my_contributions")  # already deleted, by a second click
    messages.success(
        request, _("Le brouillon « %(title)s » est supprimé.") % {"title": practice.title}
    )
    return redirect("practices:my_contributions")


def revision_form(request: HttpRequest, practice: Practice) -> HttpResponse:
    """The author edits a published practice: the edit waits for a moderator, the practice
    stays online as it is meanwhile."""
    pending = practice.revision if practice.revision_status == "changes_requested" else None
    initial = moderation.form_initial(pending.snapshot) if pending else {}
    proposed = document_entries(pending.snapshot) if pending else None
    form = PracticeForm(instance=practice, author=request.user, initial=initial)
    attachments = AttachmentsForm(
        user=request.user, practice=practice, revising=True, proposed=proposed
    )
    if request.method == "POST":
        form = PracticeForm(request.POST, instance=practice, author=request.user, submitting=True)
        attachments = AttachmentsForm(
            request.POST, request.FILES, user=request.user, practice=practice, revising=True
        )
        files_valid = attachments.receive()  # first: valid files are kept whatever follows
        if form.is_valid() and files_valid:
            live = Practice.objects.get(pk=practice.pk)
            snapshot = moderation.snapshot_from_form(form, live, attachments.kept_documents())
            try:
                live.propose_revision(by=request.user, snapshot=snapshot)
            except Conflict:
                messages.error(request, CONFLICT)
                return redirect("practices:my_contributions")
            attachments.discard_removed_uploads()
            messages.success(
                request,
                _(
                    "Merci ! Votre modification est transmise à l'équipe de modération ; "
                    "la version publiée reste en ligne d'ici là."
                ),
            )
            return redirect("practices:my_contributions")
    context = {
        "form": form,
        "attachments": attachments,
        "practice": practice,
        "revising": True,
        "errors": error_summary(form, attachments),  # above the form, saying nothing is lost
    }
    return render(request, "practices/practice_form.html", context)
