"""Plain factory functions for practices."""

import itertools
from datetime import timedelta

from django.utils import timezone

from observatoire.network.tests.factories import make_cooperative
from observatoire.practices.models import Category, Practice, Theme

_counter = itertools.count(1)


def make_practice(
    *,
    status: str = Practice.Status.PUBLISHED,
    visibility: str = Practice.Visibility.PUBLIC,
    cooperatives=None,
    themes=(),
    category: str | Category = "organisation-collective",
    **fields,
) -> Practice:
    number = next(_counter)
    if isinstance(category, str):
        category = Category.objects.get(slug=category)
    fields.setdefault("title", f"Pratique d'essai numéro {number}")
    fields.setdefault("summary", "Une pratique écrite pour les tests.")
    fields.setdefault("slug", Practice.unique_slug(fields["title"]))
    if status == Practice.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - timedelta(days=number))
    practice = Practice.objects.create(
        status=status, visibility=visibility, category=category, **fields
    )
    practice.cooperatives.set(cooperatives or [make_cooperative()])
    practice.themes.set(
        [Theme.objects.get(slug=slug) if isinstance(slug, str) else slug for slug in themes]
    )
    practice.reindex()
    return practice


def draft_saved_twice(author, cooperative, *, title: str, first: str, second: str) -> Practice:
    """A draft whose author saved it twice: version 1 says ``first``, version 2 ``second``
    (its summary, as it now reads)."""
    from observatoire.practices.moderation import record_save

    practice = make_practice(
        title=title,
        summary=first,
        status=Practice.Status.DRAFT,
        author=author,
        cooperatives=[cooperative],
    )
    record_save(practice, by=author)
    practice.summary = second
    practice.save()
    record_save(practice, by=author)
    return practice
