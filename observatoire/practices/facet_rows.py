"""A practice's facet tokens, kept in step on every write with the counts lists show.

A published practice has one ``PracticeFacet`` row per token (« theme:gouvernance »,
« region:53 »…), written by ``Practice.refresh_facets()`` whenever the practice is saved or
reindexed; a draft, a submission or a deleted practice has none. The change of tokens is
applied to the stored counts (search/facets.py) in the same transaction. ``rebuild_all``
does it for every practice at once after a bulk load.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import transaction

from observatoire.network import directory_index
from observatoire.search import facets

LIST_NAME = "practices"
# The practices' counts are also kept for every list filtered on two facets (search/facets.py):
# a list with three ticked facets shows each one's values counted without it, so on two.
PAIRS = True
# What a cooperative row gives: family, headcount, sector code, union slug, region code.
COOPERATIVE_FIELDS = (
    "cooperative__family",
    "cooperative__headcount",
    "cooperative__sector__code",
    "cooperative__union__slug",
    "cooperative__departement__region__code",
)
COOPERATIVE_PARAMS = ("forme", "effectif", "secteur", "ur", "region")


def tokens_of(
    *, year: int | None, category: str | None, themes: Iterable[str], cooperatives: Iterable
) -> list[str]:
    """The tokens of a published practice from its year, category slug, theme slugs and
    cooperatives (tuples in the order of COOPERATIVE_FIELDS)."""
    tokens = {facets.token("theme", slug) for slug in themes}
    if year:
        tokens.add(facets.token("annee", year))
    if category:
        tokens.add(facets.token("categorie", category))
    for row in cooperatives:
        tokens |= {
            facets.token(param, value)
            for param, value in zip(COOPERATIVE_PARAMS, row, strict=True)
            if value
        }
    return sorted(tokens)


def practice_tokens(practice) -> list[str]:
    if practice.status != "published" or practice.deleted_at is not None:
        return []
    links = practice.cooperatives.through.objects.filter(practice=practice)
    return tokens_of(
        year=practice.published_year,
        category=practice.category.slug if practice.category_id else None,
        themes=practice.themes.values_list("slug", flat=True),
        cooperatives=links.values_list(*COOPERATIVE_FIELDS),
    )


@transaction.atomic
def refresh(practice) -> None:
    """Write the practice's tokens and apply their change to the stored counts."""
    type(practice).objects.select_for_update().filter(pk=practice.pk).first()  # one writer
    rows = practice.facet_rows
    old = list(rows.values_list("token", "public", "published_at", "tokens"))
    tokens = practice_tokens(practice)
    public = practice.visibility == "public"
    date = practice.published_at
    if sorted(token for token, *_rest in old) == tokens and all(
        (p, d, carried) == (public, date, tokens) for _t, p, d, carried in old
    ):
        return
    before = (
        facets.contributions([t for t, *_rest in old], public=old[0][1], pairs=PAIRS)
        if old
        else Counter()
    )
    after = facets.contributions(tokens, public=public, pairs=PAIRS) if tokens else Counter()
    rows.all().delete()
    rows.model.objects.bulk_create(
        [
            rows.model(
                practice=practice, token=token, public=public, published_at=date, tokens=tokens
            )
            for token in tokens
        ]
    )
    facets.adjust_counts(LIST_NAME, before=before, after=after)
    _refresh_cooperatives(practice)


def _refresh_cooperatives(practice) -> None:
    """Its cooperatives' « a des pratiques » in the directory, when this publication (or its
    withdrawal) changes it."""
    shown = practice.status == "published" and practice.deleted_at is None
    shown = shown and practice.visibility == "public"
    sharing = facets.token("pratiques", directory_index.YES)
    stale = [
        pk
        for pk, tokens in practice.cooperatives.values_list("pk", "tokens")
        if (sharing in tokens) != shown
    ]
    if stale:
        cooperatives = practice.cooperatives.select_related(
            "departement__region", "union", "federation"
        )
        for cooperative in cooperatives.filter(pk__in=stale):
            cooperative.refresh_index()


@transaction.atomic
def rebuild_all(practice_model, *, pairs: bool = PAIRS) -> None:
    """Every facet row and count again from the published practices, in a few queries
    (``practice_model`` may be a migration's historical model; ``pairs``: whether the counts
    of two-facet lists are kept, not before migration 0025)."""
    facet_model = practice_model.facet_rows.rel.related_model
    # Migration 0009's model has no date yet (0012 added it, and copies it), nor the practice's
    # tokens on each row (0017).
    fields = {field.name for field in facet_model._meta.fields}
    dated, carried = "published_at" in fields, "tokens" in fields
    published = practice_model.objects.filter(status="published", deleted_at__isnull=True)
    themes = defaultdict(list)
    for practice_id, slug in practice_model.themes.through.objects.filter(
        practice__in=published
    ).values_list("practice_id", "theme__slug"):
        themes[practice_id].append(slug)
    cooperatives = defaultdict(list)
    for practice_id, *row in practice_model.cooperatives.through.objects.filter(
        practice__in=published
    ).values_list("practice_id", *COOPERATIVE_FIELDS):
        cooperatives[practice_id].append(row)
    items = [
        (
            pk,
            tokens_of(
                year=year, category=category, themes=themes[pk], cooperatives=cooperatives[pk]
            ),
            visibility == "public",
            {"published_at": date} if dated else {},
        )
        for pk, year, category, visibility, date in published.values_list(
            "pk", "published_year", "category__slug", "visibility", "published_at"
        )
    ]
    facet_model.objects.all().delete()
    facet_model.objects.bulk_create(
        [
            facet_model(
                practice_id=pk,
                token=token,
                public=public,
                **date,
                **({"tokens": tokens} if carried else {}),
            )
            for pk, tokens, public, date in items
            for token in tokens
        ],
        batch_size=5000,
    )
    facets.rebuild_counts(
        LIST_NAME, [(tokens, public) for _pk, tokens, public, _d in items], pairs=pairs
    )
