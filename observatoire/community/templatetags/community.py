"""Template tags that bring the community onto pages other apps render.

Each costs a constant, small number of queries. Visitors get no form (so no CSRF token): their
page stays cacheable whole (lib/cache.py); signed-in people get fresh buttons and forms.
"""

from django import template
from django.conf import settings
from django.db.models import Exists, Model, OuterRef

from observatoire.community.forms import CommentForm
from observatoire.community.models import (
    FOLLOWABLE,
    Adoption,
    Bookmark,
    Comment,
    Follow,
    can_moderate,
)
from observatoire.lib.prepared import Prepared
from observatoire.lib.stencil import Stencil
from observatoire.practices.models import Practice, reads_members_only

register = template.Library()

ADOPTIONS_SHOWN = 50
FOLLOW_KIND = {model: kind for kind, (_field, model) in FOLLOWABLE.items()}


# The queries of a practice's community, compiled once per process (lib/prepared.py).
adoptions_of = Prepared(
    lambda pk: Adoption.objects.filter(practice=pk).select_related("cooperative").order_by("pk"),
    name="adoptions_of",
)
comments_of = Prepared(
    lambda pk: Comment.objects.filter(practice=pk).for_thread(), name="comments_of"
)
bookmarked = Prepared(
    lambda user, pk: (
        Bookmark.objects.filter(user=user, practice=pk).order_by().values_list("pk")[:1]
    ),
    name="bookmarked",
)
followed = Prepared(
    lambda user, pk: Follow.objects.filter(user=user, practice=pk).order_by().values_list("pk")[:1],
    name="followed",
)


# A signed-in person's forms and buttons under a practice, rendered once per language and
# branch (lib/stencil.py): the templates' markup, with each page's address, name and token.
def _blank_comment_form(*, slug, csrf_token) -> dict:
    return {
        "form": CommentForm(auto_id="id_comment_%s"),
        "practice": {"slug": slug},
        "csrf_token": csrf_token,
        "edit_minutes": settings.COMMENT_EDIT_MINUTES,
    }


blank_comment_form = Stencil(
    "community/comment_fields.html", _blank_comment_form, {"slug": str, "csrf_token": str}
)
bookmark_button = Stencil(
    "community/bookmark_button.html",
    lambda bookmarked, *, slug, csrf_token: {
        "practice": {"slug": slug},
        "bookmarked": bookmarked,
        "csrf_token": csrf_token,
    },
    {"slug": str, "csrf_token": str},
)


class _Target:
    """What follow_button.html prints of what it follows: its key and, as text, its name."""

    def __init__(self, pk, name) -> None:
        self.pk, self.name = pk, name

    def __str__(self) -> str:
        return self.name


signed_in_follow_button = Stencil(
    "community/follow_button.html",
    lambda following, kind, *, pk, name, next, csrf_token: {
        "user": {"is_authenticated": True},
        "target": _Target(pk, name),
        "kind": kind,
        "following": following,
        "request": {"get_full_path": next},
        "csrf_token": csrf_token,
    },
    {"pk": int, "name": str, "next": str, "csrf_token": str},
)


def _known(practice: Practice, flag: str, query: Prepared, marked: tuple) -> bool:
    """The person's bookmark or follow, as the practice page's own query found it
    (practices.views.PAGE_FLAGS), else by its own query."""
    known = getattr(practice, flag, None)
    return known if known is not None else bool(query(*marked))


def thread(practice: Practice, user) -> list[Comment]:
    """Top-level comments with ``reply_list``, from one query."""
    # The practice page's own query may have said there are none (practices.views.PAGE_FLAGS).
    comments = comments_of(practice.pk) if getattr(practice, "has_comments", True) else []
    moderator = can_moderate(user)
    by_parent: dict[int, list[Comment]] = {}
    for comment in comments:
        comment.can_edit = comment.can_be_edited_by(user)  # type: ignore[attr-defined]
        comment.show_body = moderator or not comment.is_hidden  # type: ignore[attr-defined]
        if comment.parent_id:
            by_parent.setdefault(comment.parent_id, []).append(comment)
    top = [comment for comment in comments if not comment.parent_id]
    for comment in top:
        comment.reply_list = by_parent.get(comment.pk, [])  # type: ignore[attr-defined]
    return top


@register.inclusion_tag("community/practice_community.html", takes_context=True)
def practice_community(context, practice: Practice) -> dict:
    """Adoptions, comments and the person's buttons, under the practice of the page (which its
    view found among those this person may see)."""
    request = context["request"]
    user = request.user
    adoptions = adoptions_of(practice.pk) if getattr(practice, "has_adoptions", True) else []
    signed_in = user.is_authenticated
    mine = next(
        (a for a in adoptions if signed_in and a.cooperative_id == user.cooperative_id), None
    )
    comments = thread(practice, user)
    comment_count: int = sum(1 + len(getattr(c, "reply_list", [])) for c in comments)
    marked = signed_in and (user.pk, practice.pk)
    bookmarked_ = bool(marked) and _known(practice, "bookmarked_by_person", bookmarked, marked)
    following = bool(marked) and _known(practice, "followed_by_person", followed, marked)
    buttons = {}
    if signed_in:
        csrf_token = str(context.get("csrf_token", ""))
        kind = FOLLOW_KIND[Practice]
        buttons = {
            "bookmark_button": bookmark_button.render(
                bookmarked_, slug=practice.slug, csrf_token=csrf_token
            ),
            "follow_button": signed_in_follow_button.render(
                following,
                kind,
                pk=practice.pk,
                name=str(practice),
                next=request.get_full_path(),
                csrf_token=csrf_token,
            ),
            "comment_form": blank_comment_form.render(slug=practice.slug, csrf_token=csrf_token),
        }
    return {
        **buttons,
        "request": request,
        "user": user,
        "practice": practice,
        "adoptions": adoptions,
        "my_adoption": mine,
        "can_adopt": signed_in and bool(user.cooperative_id) and not user.is_movement_staff,
        "comments": comments,
        "comment_count": comment_count,
        "can_moderate": can_moderate(user),
        "bookmarked": bookmarked_,
        "following": following,
        "follow_kind": FOLLOW_KIND[Practice],
        "can_comment": signed_in,  # the reply forms and comment_form
        "edit_minutes": settings.COMMENT_EDIT_MINUTES,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("community/follow_button.html", takes_context=True)
def follow_button(context, target: Model) -> dict:
    """« Suivre » / « Ne plus suivre » for a category, theme, cooperative or practice."""
    request = context["request"]
    user = request.user
    kind = FOLLOW_KIND[type(target)]
    field = FOLLOWABLE[kind][0]
    following = (
        user.is_authenticated and Follow.objects.filter(user=user, **{field: target}).exists()
    )
    return {
        "request": request,
        "user": user,
        "target": target,
        "kind": kind,
        "following": following,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("community/cooperative_adoptions.html", takes_context=True)
def cooperative_adoptions(context, cooperative) -> dict:
    """« Pratiques adoptées » on a cooperative's page: the practices this person may see."""
    request = context["request"]
    adoptions = _cooperative_adoptions(reads_members_only(request.user), cooperative.pk)
    return {"adoptions": adoptions, "cooperative": cooperative}


# Driven by its own adoptions (a few), each practice checked: « practice IN (every visible
# practice) » read them all (180 ms at 50,000 on SQLite). Compiled once per process and scope
# (lib/prepared.py): building it cost the page more than running it.
_cooperative_adoptions = Prepared(
    lambda members, pk: (
        Adoption.objects.filter(
            Exists(Practice.objects.discoverable(members).filter(pk=OuterRef("practice_id"))),
            cooperative=pk,
        )
        .select_related("practice__category")
        .only(
            "feedback",
            "created_at",
            "cooperative_id",
            "practice__title",
            "practice__slug",
            "practice__category__name",
            "practice__category__slug",
        )
        .order_by("-created_at", "-pk")[:ADOPTIONS_SHOWN]
    ),
    name="cooperative_adoptions",
)
