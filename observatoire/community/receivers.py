"""Listening to the Observatory: a published practice reaches the people who follow it."""

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from observatoire.accounts.models import User
from observatoire.notifications.notify import notify_many
from observatoire.practices.signals import practice_published


def followers_of_published(practice) -> list[User]:
    """People who follow the practice's category, one of its themes or one of its cooperatives."""
    follows = Q(follows__category_id=practice.category_id) if practice.category_id else Q()
    follows |= Q(follows__theme__in=practice.themes.all())
    follows |= Q(follows__cooperative__in=practice.cooperatives.all())
    people = User.objects.filter(follows, is_active=True).exclude(pk=practice.author_id)
    return list(people.distinct().only("pk", "language"))


def on_practice_published(sender, practice, first: bool = True, **kwargs) -> None:
    if not first:
        return

    def text_for(person) -> str:
        with translation.override(person.language or "fr"):
            return _("Nouvelle pratique publiée : « %(title)s »") % {"title": practice.title}

    notify_many(followers_of_published(practice), text_for, practice.get_absolute_url())


def connect() -> None:
    practice_published.connect(
        on_practice_published, dispatch_uid="community.on_practice_published"
    )
