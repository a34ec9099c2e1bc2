"""What the directory reads of a cooperative, kept in step on every save.

- its name as it sorts in French (``sort_name``: accents and case aside, so that « Écume »
  comes between « Dune » and « Fabrique »);
- its search stems, in the three parts the search engine weighs (search/fulltext.py): the name;
  the head (activity, commune, département, région, UR, federation, legal form); the body (its
  presentation);
- its facet tokens (« region:53 », « division:43 »…), one ``CooperativeFacet`` row each, whose
  change is applied to the stored counts (search/facets.py) in the same transaction, as
  practices do (practices/facet_rows.py). An archived cooperative has none: it is not listed.

Every facet of the directory has one value per cooperative (or none), so the rows of several
values of one facet never hold a cooperative twice.
"""

from collections import Counter
from collections.abc import Iterable

from django.db import connections, router, transaction

from observatoire.lib import cache as page_cache
from observatoire.lib.text import fold, index_text, words
from observatoire.network import naf
from observatoire.search import facets
from observatoire.search.vocabulary import remember_words

LIST_NAME = "cooperatives"
SCOPE = "public"  # every listed cooperative is public; counts are read in this scope
# The counts of every list filtered on two facets are kept too (search/facets.py): a list with
# three ticked facets shows each one's values counted without it, so on two.
PAIRS = True
# The facets, in the order the directory shows them.
PARAMS = (
    "forme",
    "societe",
    "ur",
    "region",
    "departement",
    "federation",
    "section",
    "division",
    "effectif",
    "decennie",
    "ambassadeur",
    "parrainage",
    "pratiques",
)
# The one facet whose two values a cooperative may hold together.
SEVERAL_VALUES = {"parrainage"}
YES = "oui"
OFFERS, SEEKS = "propose", "cherche"
# A practice counts for « a des pratiques » when anyone may read it.
SHARED_PRACTICES = {"status": "published", "deleted_at__isnull": True, "visibility": "public"}


def sort_key(name: str) -> str:
    """The name as the directory sorts it: French order, accents, case and punctuation aside."""
    return " ".join(words(name))[:200] or fold(name)[:200]


def decade(year: int | None) -> str:
    return str(year - year % 10) if year else ""


def tokens_of(cooperative, *, has_practices: bool) -> list[str]:
    """The facet tokens of a listed cooperative (departement, region, union loaded)."""
    if cooperative.archived_at is not None:
        return []
    departement = cooperative.departement
    values = {
        "forme": cooperative.family,
        "societe": cooperative.company_form,
        "ur": cooperative.union.slug if cooperative.union_id else "",
        "region": departement.region.code if departement else "",
        "departement": departement.code if departement else "",
        "federation": cooperative.federation.slug if cooperative.federation_id else "",
        "section": naf.section(cooperative.naf_code),
        "division": naf.division(cooperative.naf_code),
        "effectif": cooperative.headcount,
        "decennie": decade(cooperative.founded_year),
        "ambassadeur": YES if cooperative.ambassador else "",
        "parrainage": OFFERS if cooperative.offers_mentoring else "",
        "pratiques": YES if has_practices else "",
    }
    tokens = {facets.token(param, value) for param, value in values.items() if value}
    if cooperative.seeks_mentoring:  # both at once is possible: the one facet holds two
        tokens.add(facets.token("parrainage", SEEKS))
    return sorted(tokens)


def head_pieces(cooperative) -> list[str]:
    departement = cooperative.departement
    return [
        naf.label(cooperative.naf_code),
        cooperative.commune,
        cooperative.postcode,
        departement.name if departement else "",
        departement.region.name if departement else "",
        cooperative.union.short_name if cooperative.union_id else "",
        cooperative.federation.short_name if cooperative.federation_id else "",
        cooperative.get_family_display(),
    ]


def _joined(pieces: Iterable[str]) -> str:
    return " ".join(filter(None, (index_text(piece) for piece in pieces if piece)))


INDEXED = ("sort_name", "search_title", "search_head", "search_body", "tokens")


def indexed(cooperative, *, has_practices: bool) -> tuple[dict, str]:
    """What the directory keeps of a cooperative (the values of ``INDEXED``), and the text
    whose words go to the search vocabulary (departement, region, union loaded)."""
    head = head_pieces(cooperative)
    fields = {
        "sort_name": sort_key(cooperative.name),
        "search_title": index_text(cooperative.name),
        "search_head": _joined(head),
        "search_body": _joined([cooperative.description]),
        "tokens": tokens_of(cooperative, has_practices=has_practices),
    }
    return fields, "\n".join([cooperative.name, *head, cooperative.description])


def has_practices(cooperative) -> bool:
    return cooperative.practices.filter(**SHARED_PRACTICES).exists()


@transaction.atomic
def refresh(cooperative) -> None:
    """Write the cooperative's stems, sort key and tokens; apply the change of its tokens to
    the stored counts; renew the cached directory pages when anything they show changed."""
    model = type(cooperative)
    model.objects.select_for_update().filter(pk=cooperative.pk).first()  # one writer
    fields, text = indexed(cooperative, has_practices=has_practices(cooperative))
    tokens = fields["tokens"]
    stored = model.objects.filter(pk=cooperative.pk).values(*fields).first() or {}
    changed = {name: value for name, value in fields.items() if stored.get(name) != value}
    if changed:
        model.objects.filter(pk=cooperative.pk).update(**changed)
    if changed.keys() - {"tokens", "sort_name"}:  # new words, perhaps
        remember_words(text)
    for name, value in fields.items():
        setattr(cooperative, name, value)
    rows = cooperative.facet_rows
    old = list(rows.values_list("token", "sort_name"))
    if sorted(token for token, _name in old) != tokens or any(
        name != fields["sort_name"] for _token, name in old
    ):
        before = (
            facets.contributions([t for t, _n in old], public=True, pairs=PAIRS)
            if old
            else Counter()
        )
        after = facets.contributions(tokens, public=True, pairs=PAIRS) if tokens else Counter()
        rows.all().delete()
        rows.model.objects.bulk_create(
            [
                rows.model(
                    cooperative=cooperative,
                    token=token,
                    sort_name=fields["sort_name"],
                    tokens=tokens,
                )
                for token in tokens
            ]
        )
        facets.adjust_counts(LIST_NAME, before=before, after=after)
    page_cache.forget_directory(cooperative.pk)


@transaction.atomic
def rebuild_all(cooperative_model, *, forget: bool = True, pairs: bool = PAIRS) -> None:
    """Every cooperative's stems, tokens, facet rows and the counts again, in few queries:
    after a bulk load (generatedata) or a migration (``cooperative_model`` may be its
    historical model, whose methods are not there; ``pairs``: whether the counts of
    two-facet lists are kept, not before migration 0005)."""
    facet_model = cooperative_model.facet_rows.rel.related_model
    with_practices = set(
        cooperative_model.objects.filter(
            **{f"practices__{name}": value for name, value in SHARED_PRACTICES.items()}
        ).values_list("pk", flat=True)
    )
    cooperatives = cooperative_model.objects.select_related(
        "departement__region", "union", "federation"
    ).order_by("pk")
    counted: list[tuple[list[str], bool]] = []
    facet_rows, batch, vocabulary = [], [], set()
    for cooperative in cooperatives.iterator(chunk_size=2000):
        fields, text = indexed(cooperative, has_practices=cooperative.pk in with_practices)
        for name, value in fields.items():
            setattr(cooperative, name, value)
        tokens = fields["tokens"]
        vocabulary.update(words(text))
        batch.append(cooperative)
        counted.append((tokens, True))
        facet_rows += [
            facet_model(
                cooperative_id=cooperative.pk,
                token=token,
                sort_name=cooperative.sort_name,
                tokens=tokens,
            )
            for token in tokens
        ]
    _update_indexed(cooperative_model, batch)
    facet_model.objects.all().delete()
    facet_model.objects.bulk_create(facet_rows, batch_size=5000)
    facets.rebuild_counts(LIST_NAME, [item for item in counted if item[0]], pairs=pairs)
    _remember(vocabulary)
    if forget:
        page_cache.forget_directory()


def _update_indexed(cooperative_model, cooperatives: list) -> None:
    """Write the ``INDEXED`` fields of each cooperative with one plain ``executemany``:
    ``bulk_update`` builds a CASE of every row for every field, 26 s for 10,000 cooperatives
    where this takes one or two (the database's triggers run the same)."""
    using = router.db_for_write(cooperative_model)
    connection = connections[using]
    quote = connection.ops.quote_name
    meta = cooperative_model._meta
    fields = [meta.get_field(name) for name in INDEXED]
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in fields),
        quote(meta.pk.column),
    )
    rows = [
        (
            *(field.get_db_prep_save(getattr(c, field.attname), connection) for field in fields),
            c.pk,
        )
        for c in cooperatives
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _remember(vocabulary: set[str]) -> None:
    if vocabulary:
        remember_words("\n".join(sorted(vocabulary)))
