"""Views of the life of a practice: comments and their moderation, adoptions, bookmarks, follows
and the choice of the digest's frequency.

Everything works with plain forms and redirects; the practice page shows it through the
``practice_community`` template tag.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.middleware import HtmxDetails

from observatoire.accounts.limits import take
from observatoire.accounts.models import User
from observatoire.community import actions
from observatoire.community.forms import (
    AdoptionForm,
    CommentForm,
    HideForm,
    ReportForm,
)
from observatoire.community.models import (
    FOLLOWABLE,
    Adoption,
    Bookmark,
    Comment,
    CommentReport,
    Follow,
    can_moderate,
)
from observatoire.lib.abuse import limit_message
from observatoire.lib.numbers import parse_int
from observatoire.lib.pagination import paginate
from observatoire.notifications.forms import DigestForm
from observatoire.notifications.models import DigestPreference
from observatoire.practices.models import Practice

COMMENT_PERIOD = timedelta(hours=1)


class SignedInRequest(HttpRequest):
    """A request behind @login_required: its person is a User, never anonymous."""

    user: User
    htmx: HtmxDetails


def get_practice_for(user, slug: str) -> Practice:
    """A published practice this person may see; 404 otherwise, so its existence stays private."""
    practice = (
        Practice.objects.discoverable_by(user)
        .without_index()
        .only("pk", "slug", "title", "author_id", "visibility", "status", "category_id")
        .filter(slug=slug)
        .first()
    )
    if practice is None:
        raise Http404(_("Cette pratique n'existe pas ou n'est pas accessible."))
    return practice


def get_comment_for(user, pk: int) -> Comment:
    """A comment on a practice this person may see."""
    visible = Practice.objects.discoverable_by(user).values("pk")
    comment = (
        Comment.objects.select_related("practice", "author")
        .filter(pk=pk, practice__in=visible)
        .first()
    )
    if comment is None:
        raise Http404(_("Ce commentaire n'existe pas ou n'est pas accessible."))
    return comment


def next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# Comments.
@login_required
@require_POST
def comment_create(request: SignedInRequest, slug: str) -> HttpResponse:
    practice = get_practice_for(request.user, slug)
    parent = None
    if request.POST.get("parent"):
        parent_id = parse_int(request.POST["parent"])
        parent = (
            Comment.objects.filter(practice=practice, pk=parent_id).select_related("author").first()
            if parent_id is not None
            else None
        )
        if parent is None or parent.is_hidden:
            raise Http404(_("Le commentaire auquel vous répondez n'existe plus."))
        parent = parent.parent if parent.parent_id else parent  # one level of replies
    form = CommentForm(request.POST)
    if form.is_valid() and not take(
        f"comment:{request.user.pk}", settings.COMMENTS_PER_HOUR, COMMENT_PERIOD
    ):
        form.add_error(None, limit_message(settings.COMMENTS_PER_HOUR, COMMENT_PERIOD))
    elif form.is_valid():
        comment = actions.post_comment(
            practice=practice,
            author=request.user,
            parent=parent,
            kind=form.cleaned_data["kind"],
            body=form.cleaned_data["body"],
        )
        messages.success(request, _("Votre message est publié."))
        return redirect(comment.get_absolute_url())
    context = {"form": form, "practice": practice, "parent": parent}
    context["edit_minutes"] = settings.COMMENT_EDIT_MINUTES
    return render(request, "community/comment_form.html", context, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    comment = get_comment_for(request.user, pk)
    if not comment.can_be_edited_by(request.user):
        raise PermissionDenied(
            _("Ce message ne peut plus être modifié : le délai de modification est passé.")
        )
    form = CommentForm(initial={"kind": comment.kind, "body": comment.body})
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            comment.edit(body=form.cleaned_data["body"], kind=form.cleaned_data["kind"])
            messages.success(request, _("Votre message est modifié."))
            return redirect(comment.get_absolute_url())
    context = {"form": form, "comment": comment, "practice": comment.practice}
    context["edit_minutes"] = settings.COMMENT_EDIT_MINUTES
    return render(request, "community/comment_form.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_report(request: SignedInRequest, pk: int) -> HttpResponse:
    comment = get_comment_for(request.user, pk)
    already = CommentReport.objects.filter(comment=comment, reporter=request.user).exists()
    form = ReportForm(request.POST or None)
    if request.method == "POST" and not already and form.is_valid():
        # A double click reports once: the second is ignored.
        actions.report_comment(comment=comment, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Merci, le commentaire est signalé à l'équipe de modération."))
        return redirect(comment.get_absolute_url())
    context = {"form": form, "comment": comment, "already": already}
    return render(request, "community/comment_report.html", context)


def require_moderator(user) -> None:
    if not can_moderate(user):
        raise PermissionDenied(_("Seule l'équipe de modération peut faire cela."))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_hide(request: SignedInRequest, pk: int) -> HttpResponse:
    require_moderator(request.user)
    comment = get_comment_for(request.user, pk)
    form = HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        comment.hide(by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Le commentaire est masqué."))
        return redirect(comment.get_absolute_url())
    return render(request, "community/comment_hide.html", {"form": form, "comment": comment})


@login_required
@require_POST
def comment_unhide(request: SignedInRequest, pk: int) -> HttpResponse:
    require_moderator(request.user)
    comment = get_comment_for(request.user, pk)
    comment.unhide(by=request.user)
    messages.success(request, _("Le commentaire est de nouveau visible."))
    return redirect(comment.get_absolute_url())


@login_required
@require_safe
def report_list(request: SignedInRequest) -> HttpResponse:
    require_moderator(request.user)
    reports = CommentReport.objects.select_related(
        "reporter", "comment__practice", "comment__author"
    ).order_by("-created_at", "-pk")
    return render(request, "community/report_list.html", paginate(request, reports))


# « Nous l'avons adoptée ».
def require_cooperative(user) -> int:
    """The person's cooperative (its id); 403 for anyone who speaks for none."""
    if not (user.is_authenticated and user.cooperative_id and not user.is_movement_staff):
        raise PermissionDenied(
            _("Seuls les membres d'une coopérative peuvent déclarer une adoption.")
        )
    return int(user.cooperative_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def adoption_edit(request: SignedInRequest, slug: str) -> HttpResponse:
    cooperative_id = require_cooperative(request.user)
    practice = get_practice_for(request.user, slug)
    adoption = Adoption.objects.filter(
        practice=practice, cooperative_id=cooperative_id
    ).first() or Adoption(practice=practice, cooperative_id=cooperative_id)
    form = AdoptionForm(request.POST or None, instance=adoption)
    if request.method == "POST" and form.is_valid():
        actions.declare_adoption(adoption, by=request.user, feedback=form.cleaned_data["feedback"])
        messages.success(request, _("Merci ! L'adoption par votre coopérative est enregistrée."))
        return redirect(practice.get_absolute_url() + "#adoptions")
    context = {"form": form, "practice": practice, "adoption": adoption}
    return render(request, "community/adoption_form.html", context)


@login_required
@require_POST
def adoption_withdraw(request: SignedInRequest, slug: str) -> HttpResponse:
    cooperative_id = require_cooperative(request.user)
    practice = get_practice_for(request.user, slug)
    adoption = get_object_or_404(Adoption, practice=practice, cooperative_id=cooperative_id)
    adoption.delete()
    messages.success(request, _("L'adoption par votre coopérative est retirée."))
    return redirect(practice.get_absolute_url() + "#adoptions")


# Bookmarks.
@login_required
@require_POST
def bookmark_toggle(request: SignedInRequest, slug: str) -> HttpResponse:
    practice = get_practice_for(request.user, slug)
    removed, _count = Bookmark.objects.filter(user=request.user, practice=practice).delete()
    if not removed:
        Bookmark.objects.get_or_create(user=request.user, practice=practice)
    if request.htmx:  # the button swaps itself; no message for a later page
        context = {"practice": practice, "bookmarked": not removed}
        return render(request, "community/bookmark_button.html", context)
    if removed:
        messages.success(request, _("La pratique est retirée de vos favoris."))
    else:
        messages.success(request, _("La pratique est enregistrée dans vos favoris."))
    return redirect(next_url(request, practice.get_absolute_url()))


@login_required
@require_safe
def my_bookmarks(request: SignedInRequest) -> HttpResponse:
    bookmarks = (
        Bookmark.objects.filter(
            user=request.user,
            practice__in=Practice.objects.discoverable_by(request.user).values("pk"),
        )
        .select_related("practice__category")
        .defer("practice__search_title", "practice__search_body")
        .order_by("-created_at", "-pk")
    )
    return render(request, "community/my_bookmarks.html", paginate(request, bookmarks))


# Follows and the digest.
def get_followable(user, kind: str, pk: int):
    if kind not in FOLLOWABLE:
        raise Http404(_("On ne peut pas suivre cela."))
    field, model = FOLLOWABLE[kind]
    queryset = model._default_manager.all()
    if model is Practice:
        queryset = Practice.objects.discoverable_by(user).without_index()
    target = queryset.filter(pk=pk).first()
    if target is None:
        raise Http404(_("Ce que vous voulez suivre n'existe pas ou n'est pas accessible."))
    return field, target


@login_required
@require_POST
def follow_toggle(request: SignedInRequest, kind: str, pk: int) -> HttpResponse:
    field, target = get_followable(request.user, kind, pk)
    removed, _count = Follow.objects.filter(user=request.user, **{field: target}).delete()
    if not removed:
        Follow.objects.get_or_create(user=request.user, **{field: target})
    if request.htmx:
        context = {"target": target, "kind": kind, "following": not removed}
        context["next"] = next_url(request, target.get_absolute_url())
        return render(request, "community/follow_button.html", context)
    if removed:
        messages.success(request, _("Vous ne suivez plus « %(name)s ».") % {"name": target})
    else:
        messages.success(request, _("Vous suivez désormais « %(name)s ».") % {"name": target})
    return redirect(next_url(request, target.get_absolute_url()))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_follows(request: SignedInRequest) -> HttpResponse:
    preference = DigestPreference.objects.filter(user=request.user).first()
    preference = preference or DigestPreference(user=request.user)
    form = DigestForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Votre choix de courriel récapitulatif est enregistré."))
        return redirect("community:my_follows")
    follows = (
        Follow.objects.filter(user=request.user)
        .select_related("category", "theme", "cooperative", "practice")
        .defer("practice__search_title", "practice__search_body")
        .order_by("-created_at", "-pk")
    )
    return render(
        request, "community/my_follows.html", {"form": form, **paginate(request, follows)}
    )
