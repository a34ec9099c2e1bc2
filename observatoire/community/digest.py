"""The email digest: what is new in what a person follows, grouped by followed item.

Never sent empty. Each email carries a one-click unsubscribe link (RFC 8058) signed with the
site's key: no login needed, and nobody can unsubscribe someone else.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from observatoire.accounts.models import User
from observatoire.community.models import Comment, DigestPreference, Follow
from observatoire.lib.mail import absolute_url, send_email
from observatoire.network.models import Cooperative
from observatoire.practices.models import Practice

UNSUBSCRIBE_SALT = "community.digest.unsubscribe"
EXCERPT_WORDS = 30
PERIODS: dict[str, timedelta] = {
    DigestPreference.Frequency.DAILY: timedelta(days=1),
    DigestPreference.Frequency.WEEKLY: timedelta(days=7),
}


def unsubscribe_token(user) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> User:
    """The person of a token; ``BadSignature`` for a forged or unknown one."""
    pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise signing.BadSignature("unknown person")
    return user


def unsubscribe_url(user) -> str:
    return absolute_url(reverse("community:unsubscribe", args=[unsubscribe_token(user)]))


def excerpt(text: str) -> str:
    return Truncator(" ".join(text.split())).words(EXCERPT_WORDS)


@dataclass
class Group:
    title: str
    url: str
    items: list[dict] = field(default_factory=list)


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


def digest_for(user, since: datetime) -> list[Group]:
    follows = list(
        Follow.objects.filter(user=user).select_related("category", "theme", "cooperative")
    )
    groups = {**new_practices(user, follows, since), **new_comments(user, follows, since)}
    return list(groups.values())


def recipients(frequency: str):
    """Active people with this frequency (no choice made means weekly) who follow something or
    wrote a comment."""
    people = User.objects.filter(is_active=True).filter(
        Q(follows__isnull=False) | Q(comments__isnull=False)
    )
    if frequency == DigestPreference.Frequency.WEEKLY:
        people = people.filter(
            Q(digest_preference__isnull=True) | Q(digest_preference__frequency=frequency)
        )
    else:
        people = people.filter(digest_preference__frequency=frequency)
    return people.distinct().select_related("digest_preference").order_by("pk")


def send_digest(user, frequency: str, now: datetime) -> bool:
    """Send this person's digest if there is anything new; True when an email was queued."""
    preference = getattr(user, "digest_preference", None) or DigestPreference(user=user)
    since = preference.last_sent_at or now - PERIODS[frequency]
    with translation.override(user.language or "fr"):
        groups = digest_for(user, since)
    if not groups:
        return False
    link = unsubscribe_url(user)
    sent = send_email(
        "community/digest",
        to=user,
        context={
            "user": user,
            "groups": groups,
            "frequency": frequency,
            "unsubscribe_url": link,
            "follows_url": absolute_url(reverse("community:my_follows")),
        },
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    if sent:
        preference.last_sent_at = now
        preference.save()
    return sent


def send_digests_now(frequency: str) -> int:
    """Every digest of this frequency; how many were sent."""
    if frequency not in PERIODS:
        raise ValueError(frequency)
    now = timezone.now()
    return sum(send_digest(user, frequency, now) for user in recipients(frequency))
