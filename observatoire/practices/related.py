"""« Pratiques proches », read from lists kept on write instead of searched on every page.

A practice's related practices are the newest sharing one of its themes, completed by the
newest of its category (``PracticeQuerySet.related_to`` searches every practice for them). So
that its page need not, each theme and category keeps in ``newest`` its newest practices that
a page may show, per audience (``public`` for visitors, ``members`` for signed-in people), as
``[published_at in microseconds, pk]`` pairs, newest first: a theme keeps COUNT + 1 (the
practice itself is left out), a category 2 × COUNT (the practice and those sharing a theme are
left out). These few entries are enough to give exactly what ``related_to`` gives.

``refresh(practice)`` keeps them in step in the transaction of every write that may move a
practice in or out of them: publication, visibility, date, themes, category, deletion (save,
reindex, delete, soft deletion). ``None`` means not known yet (before the first write to that
theme, or after a bulk load that bypassed save(): ``rebuild_all`` then sets them all); the page
then searches as before, and so it does when an entry is no longer one it may show.
"""

from datetime import UTC, datetime, timedelta

from django.db import transaction

COUNT = 4
THEME_SIZE = COUNT + 1
CATEGORY_SIZE = 2 * COUNT
PUBLIC, MEMBERS = "public", "members"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def key_of(published_at: datetime | None) -> int:
    """The order of the lists: -published_at, -pk (the microseconds and the pk, compared)."""
    if published_at is None:
        return 0
    return (published_at - EPOCH) // timedelta(microseconds=1)


def audiences_of(practice) -> set[str]:
    """The lists a practice belongs to: none unless it is published and not deleted."""
    if practice.status != "published" or practice.deleted_at is not None:
        return set()
    return {PUBLIC, MEMBERS} if practice.visibility == "public" else {MEMBERS}


def audience_of(user) -> str:
    """Which lists a person reads (as ``PracticeQuerySet.visible_to`` decides)."""
    return MEMBERS if user.is_authenticated and user.is_member else PUBLIC


def newest(practice_model, lookup: str, group_pk: int, audience: str, size: int, exclude=None):
    """The entries of one list, read from the practices (``lookup``: themes or category)."""
    practices = practice_model.objects.filter(
        status="published", deleted_at__isnull=True, **{lookup: group_pk}
    )
    if audience == PUBLIC:
        practices = practices.filter(visibility="public")
    if exclude is not None:
        practices = practices.exclude(pk=exclude)
    rows = practices.order_by("-published_at", "-pk").values_list("published_at", "pk")[:size]
    return [[key_of(published_at), pk] for published_at, pk in rows]


def _groups(practice):
    """(model, lookup on Practice, list size) of the themes and of the categories."""
    return (
        (practice._meta.get_field("themes").related_model, "themes", THEME_SIZE),
        (practice._meta.get_field("category").related_model, "category", CATEGORY_SIZE),
    )


def _change(entries: list, size: int, entry, pk: int):
    """The new list, None when it need not change, or ... (Ellipsis) when it must be read again
    from the practices (the practice leaves it or moves in it)."""
    present = next((found for found in entries if found[1] == pk), None)
    if present is not None:
        return None if present == entry else ...
    if entry is None:
        return None
    if len(entries) < size or entry > entries[-1]:  # fewer than size: the list holds them all
        return sorted([*entries, entry], reverse=True)[:size]
    return None


def _changes(rows, practice, wanted: set[int], size: int) -> dict[int, dict]:
    """For each group of ``rows`` ((pk, lists)) whose lists must change, the change of each
    audience (see _change; all read again when the lists were not known)."""
    audiences = audiences_of(practice)
    entry = [key_of(practice.published_at), practice.pk]
    found = {}
    for group_pk, lists in rows:
        entries = {
            audience: entry if group_pk in wanted and audience in audiences else None
            for audience in (PUBLIC, MEMBERS)
        }
        if lists is None:
            if any(entries.values()):
                found[group_pk] = dict.fromkeys((PUBLIC, MEMBERS), ...)
            continue
        new = {
            audience: _change(lists[audience], size, entries[audience], practice.pk)
            for audience in (PUBLIC, MEMBERS)
        }
        if any(change is not None for change in new.values()):
            found[group_pk] = {
                audience: lists[audience] if change is None else change
                for audience, change in new.items()
            }
    return found


@transaction.atomic
def refresh(practice) -> None:
    """Put the practice in, out of, or at its place in the lists of its themes and category,
    and of those it was in."""
    if practice.published_at is None and practice.status != "published":
        return  # never published: in no list
    listed = bool(audiences_of(practice))
    for model, lookup, size in _groups(practice):
        if not listed:
            wanted = set()
        elif lookup == "themes":
            wanted = set(practice.themes.values_list("pk", flat=True))
        else:
            wanted = {practice.category_id} - {None}
        rows = model.objects.values_list("pk", "newest")  # a few rows, read without a lock
        candidates = _changes(rows, practice, wanted, size)
        if not candidates:
            continue
        # One writer per list: read again under lock the lists that change, then change them.
        locked = (
            model.objects.select_for_update()
            .filter(pk__in=candidates)
            .order_by("pk")
            .values_list("pk", "newest")
        )
        for group_pk, lists in _changes(locked, practice, wanted, size).items():
            exclude = None if listed else practice.pk  # its row may still be a live one
            stored = {
                audience: (
                    newest(type(practice), lookup, group_pk, audience, size, exclude)
                    if change is ...
                    else change
                )
                for audience, change in lists.items()
            }
            model.objects.filter(pk=group_pk).update(newest=stored)


def rebuild_all(practice_model, theme_model, category_model) -> None:
    """Every list again from the practices, after a bulk load (the models may be a migration's)."""
    for model, lookup, size in (
        (theme_model, "themes", THEME_SIZE),
        (category_model, "category", CATEGORY_SIZE),
    ):
        for group_pk in model.objects.values_list("pk", flat=True):
            rebuild_group(practice_model, model, lookup, size, group_pk)


def rebuild_group(practice_model, model, lookup: str, size: int, group_pk: int) -> None:
    """One theme's or category's lists again from the practices."""
    stored = {
        audience: newest(practice_model, lookup, group_pk, audience, size)
        for audience in (PUBLIC, MEMBERS)
    }
    model.objects.filter(pk=group_pk).update(newest=stored)


def rebuild_loaded(sender, instance, raw: bool = False, **kwargs) -> None:
    """A theme or category saved by ``loaddata`` (the taxonomy fixture, loaded again on a
    database in service) comes without its lists: read them again from the practices, or
    every page of its practices would search for its related practices."""
    if not raw:
        return
    practice_model = sender._meta.get_field("practices").related_model
    lookup, size = (
        ("themes", THEME_SIZE)
        if sender._meta.model_name == "theme"
        else (
            "category",
            CATEGORY_SIZE,
        )
    )
    rebuild_group(practice_model, sender, lookup, size, instance.pk)


def chosen(practice, user, *, count: int) -> list[int] | None:
    """The pks of the practices « Pratiques proches » shows, in order, from the lists of the
    practice's themes (prefetched) and category; None when the lists cannot tell."""
    category = practice.category
    themes = list(practice.themes.all())
    if count > COUNT or category is None or category.newest is None:
        return None
    if any(theme.newest is None for theme in themes):
        return None
    audience = audience_of(user)
    sharing = {tuple(e) for theme in themes for e in theme.newest[audience] if e[1] != practice.pk}
    pks = [pk for _key, pk in sorted(sharing, reverse=True)[:count]]
    for _key, pk in category.newest[audience]:
        if len(pks) == count:
            break
        if pk != practice.pk and pk not in pks:
            pks.append(pk)
    return pks
