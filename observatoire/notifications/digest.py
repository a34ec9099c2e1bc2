"""The email digest: what is new in what a person follows, grouped by followed item.

The digest knows nothing of what is followed: each app above registers, in its
``AppConfig.ready()``, what it contributes (``register``): a function that gathers, for a person
and since a moment, groups of news, and who may receive some (a condition on people). Never sent
empty. Each email carries a one-click unsubscribe link (RFC 8058) signed with the site's key: no
login needed, and nobody can unsubscribe someone else.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator

from observatoire.accounts.models import User
from observatoire.lib.mail import Email, absolute_url, email_kind, send_email
from observatoire.notifications.models import DigestPreference

# The salt of links already sent: changing it would break them.
UNSUBSCRIBE_SALT = "community.digest.unsubscribe"
EXCERPT_WORDS = 30
PERIODS: dict[str, timedelta] = {
    DigestPreference.Frequency.DAILY: timedelta(days=1),
    DigestPreference.Frequency.WEEKLY: timedelta(days=7),
}


@dataclass
class Group:
    """News about one followed item: its title and link, and one entry per novelty."""

    title: str
    url: str
    items: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    key: str
    gather: Callable[[User, datetime], dict[str, Group]]
    audience: Q
    preferences_url_name: str


_sources: dict[str, Source] = {}


def register(
    key: str,
    *,
    gather: Callable[[User, datetime], dict[str, Group]],
    audience: Q,
    preferences_url_name: str = "",
) -> None:
    """Add what an app contributes to the digest.

    ``gather(user, since)`` returns groups keyed by what they are about (two sources giving the
    same key merge into one group, the later one winning); ``audience``, a condition on people
    who may get something from this source; ``preferences_url_name``, the page where a person
    chooses what they follow and how often the digest comes.
    """
    _sources[key] = Source(key, gather, audience, preferences_url_name)


def sources() -> list[Source]:
    return list(_sources.values())


def unsubscribe_token(user) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> User:
    """The person of a token; ``BadSignature`` for a forged or unknown one."""
    pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    user = User.objects.active(pk)
    if user is None:
        raise signing.BadSignature("unknown person")
    return user


def unsubscribe_url(user) -> str:
    return absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(user)]))


def preferences_url() -> str:
    names = [source.preferences_url_name for source in _sources.values()]
    return absolute_url(reverse(next((name for name in names if name), "notifications:list")))


def excerpt(text: str) -> str:
    return Truncator(" ".join(text.split())).words(EXCERPT_WORDS)


def digest_for(user, since: datetime) -> list[Group]:
    groups: dict[str, Group] = {}
    for source in _sources.values():
        groups.update(source.gather(user, since))
    return list(groups.values())


def recipients(frequency: str):
    """Active people with this frequency (no choice made means weekly) whom a source may have
    something for."""
    audience = Q(pk__in=[])
    for source in _sources.values():
        audience |= source.audience
    people = User.objects.filter(is_active=True).filter(audience)
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
    # Built again when sent (``digest_email``): the task holds no text nor signed link.
    sent = send_email("digest", person=user.pk, frequency=frequency, since=since.isoformat())
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


@email_kind("digest")
def digest_email(*, person: int, frequency: str, since: str) -> Email | None:
    """The digest as it stands when sent; nothing when there is nothing new any more."""
    user = User.objects.active(person)
    if user is None:
        return None
    with translation.override(user.language or "fr"):
        groups = digest_for(user, datetime.fromisoformat(since))
    if not groups:
        return None
    link = unsubscribe_url(user)
    return Email(
        "notifications/digest",
        to=user,
        context={
            "user": user,
            "groups": groups,
            "frequency": frequency,
            "unsubscribe_url": link,
            "preferences_url": preferences_url(),
        },
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
