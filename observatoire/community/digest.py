"""What the community contributes to the email digest (notifications.digest): new practices in
followed categories, themes and cooperatives, new comments on followed practices and replies to
the person's comments. Registered in ``CommunityConfig.ready()``."""

from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from observatoire.community.models import Comment, Follow
from observatoire.lib.mail import absolute_url
from observatoire.network.models import Cooperative
from observatoire.notifications import digest
from observatoire.notifications.digest import Group, excerpt
from observatoire.practices.models import Practice


def new_practices(user, follows: list[Follow], since: datetime) -> dict[str, Group]:
    """New practices in followed categories, themes and cooperatives, each under the first
    followed item it belongs to."""
    categories = {f.category_id: f.category for f in follows if f.category_id}
    themes = {f.theme_id: f.theme for f in follows if f.theme_id}
    cooperatives = {f.cooperative_id: f.cooperative for f in follows if f.cooperative_id}
    if not (categories or themes or cooperatives):
        return {}
    practices = (
        Practice.objects.discoverable_by(user)
        .filter(published_at__gt=since)
        .filter(
            Q(category__in=list(categories))
            | Q(themes__in=list(themes))
            | Q(cooperatives__in=list(cooperatives))
        )
        .distinct()
        .without_index()
        .prefetch_related(
            Prefetch("themes", to_attr="theme_list"),
            Prefetch("cooperatives", queryset=Cooperative.objects.only("pk"), to_attr="coops"),
        )
        .order_by("-published_at", "-pk")
    )
    groups: dict[str, Group] = {}
    for practice in practices:
        owners: list[Any] = [categories.get(practice.category_id)]
        owners += [themes.get(theme.pk) for theme in practice.theme_list]
        owners += [cooperatives.get(coop.pk) for coop in practice.coops]
        owner = next(item for item in owners if item is not None)
        key = f"{type(owner).__name__}:{owner.pk}"
        group = groups.setdefault(key, Group(str(owner), absolute_url(owner.get_absolute_url())))
        group.items.append(
            {
                "title": practice.title,
                "excerpt": excerpt(practice.summary),
                "url": absolute_url(practice.get_absolute_url()),
            }
        )
    return groups


def new_comments(user, follows: list[Follow], since: datetime) -> dict[str, Group]:
    """New comments on followed practices and replies to the person's comments, by practice."""
    followed = [f.practice_id for f in follows if f.practice_id]
    comments = (
        Comment.objects.filter(created_at__gt=since, hidden_at__isnull=True)
        .filter(Q(practice__in=followed) | Q(parent__author=user))
        .filter(practice__in=Practice.objects.discoverable_by(user).values("pk"))
        .exclude(author=user)
        .select_related("author", "practice")
        .defer("practice__search_title", "practice__search_body")
        .order_by("practice_id", "created_at", "pk")
    )
    mine = set(Comment.objects.filter(author=user).values_list("pk", flat=True))
    groups: dict[str, Group] = {}
    for comment in comments:
        practice = comment.practice
        title = _("Sur « %(title)s »") % {"title": practice.title}
        group = groups.setdefault(
            f"Practice:{practice.pk}", Group(title, absolute_url(practice.get_absolute_url()))
        )
        author = comment.author.full_name if comment.author else _("Ancien membre")
        is_reply_to_me = comment.parent_id in mine
        label = (
            _("%(name)s a répondu à votre commentaire") % {"name": author}
            if is_reply_to_me
            else _("%(name)s a écrit") % {"name": author}
        )
        group.items.append(
            {
                "title": label,
                "excerpt": excerpt(comment.body),
                "url": absolute_url(comment.get_absolute_url()),
            }
        )
    return groups


def gather(user, since: datetime) -> dict[str, Group]:
    follows = list(
        Follow.objects.filter(user=user).select_related("category", "theme", "cooperative")
    )
    return {**new_practices(user, follows, since), **new_comments(user, follows, since)}


def register() -> None:
    digest.register(
        "community",
        gather=gather,
        # People who follow something or wrote a comment (replies to it are news).
        audience=Q(follows__isnull=False) | Q(comments__isnull=False),
        preferences_url_name="community:my_follows",
    )
