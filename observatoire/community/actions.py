"""Operations of the community app that do more than save one row: they tell people."""

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from observatoire.accounts.models import Role, User
from observatoire.community.models import Adoption, Comment, CommentReport
from observatoire.notifications.notify import notify_many


def in_language(person, text: Callable[[], str]) -> str:
    """``text()`` translated in the person's language (notifications are read later)."""
    with translation.override(person.language or "fr"):
        return text()


@transaction.atomic
def post_comment(*, practice, author, parent: Comment | None, kind: str, body: str) -> Comment:
    """Save a comment, then tell the author of the comment answered, the practice's author and
    the people who follow the practice (never the writer themself)."""
    comment = Comment.objects.create(
        practice=practice, author=author, parent=parent, kind=kind, body=body
    )
    url = comment.get_absolute_url()
    values = {"name": author.full_name, "title": practice.title}
    told = {author.pk}
    if parent is not None and parent.author_id and parent.author_id not in told:
        replied = [parent.author]
        told.add(parent.author_id)
        notify_many(
            replied,
            lambda person: in_language(
                person,
                lambda: _("%(name)s a répondu à votre commentaire sur « %(title)s »") % values,
            ),
            url,
        )
    watchers = User.objects.filter(is_active=True).exclude(pk__in=told)
    watchers = watchers.filter(pk=practice.author_id) | watchers.filter(follows__practice=practice)
    notify_many(
        watchers.distinct().only("pk", "language"),
        lambda person: in_language(
            person, lambda: _("%(name)s a commenté la pratique « %(title)s »") % values
        ),
        url,
    )
    return comment


def declare_adoption(adoption: Adoption, *, by, feedback: str) -> Adoption:
    """Create or update a cooperative's adoption; the last person who edits it is its declarer."""
    adoption.feedback = feedback
    adoption.declared_by = by
    adoption.save()
    return adoption


def report_comment(*, comment: Comment, by, reason: str) -> bool:
    """Record a person's report (once); the first report of a comment tells the moderators of
    the Unions régionales of the practice's cooperatives. False if already reported."""
    try:
        with transaction.atomic():
            CommentReport.objects.create(comment=comment, reporter=by, reason=reason)
    except IntegrityError:
        return False
    if CommentReport.objects.filter(comment=comment).count() == 1:
        unions = comment.practice.cooperatives.values("union_id")
        moderators = User.objects.filter(
            is_active=True, role=Role.MODERATOR, organisation__in=unions
        ).only("pk", "language")
        notify_many(
            moderators,
            lambda person: in_language(
                person,
                lambda: (
                    _("Un commentaire est signalé sur « %(title)s »")
                    % {"title": comment.practice.title}
                ),
            ),
            reverse("community:report_list"),
        )
    return True
