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
from functools import lru_cache
from itertools import batched

from django.db import transaction

from observatoire.lib import bulk
from observatoire.lib import cache as page_cache
from observatoire.lib.text import fold, index_text, words
from observatoire.network import naf
from observatoire.search import facets
from observatoire.search.vocabulary import remember_words

LIST_NAME = "cooperatives"
SCOPE = "public"  # every listed cooperative is public; counts are read in this scope
# ... and kept in it alone: members see the same directory (the other scope's counts, never
# read, doubled the rows every write of a cooperative changed).
SCOPES = (SCOPE,)
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
    return " ".join(filter(None, (_stems(piece) for piece in pieces if piece)))


@lru_cache(maxsize=65536)
def _stems(piece: str) -> str:
    """``index_text`` of a piece of the head, remembered: thousands of cooperatives share an
    activity, a département, a commune (an import stemmed them again and again)."""
    return index_text(piece)


INDEXED = ("sort_name", "search_title", "search_head", "search_body", "tokens")
FACET_COLUMNS = ("cooperative", "token", "sort_name", "tokens")


def indexed(cooperative, *, has_practices: bool) -> tuple[dict, list[str]]:
    """What the directory keeps of a cooperative (the values of ``INDEXED``), and the pieces
    of text whose words go to the search vocabulary (departement, region, union loaded)."""
    head = head_pieces(cooperative)
    fields = {
        "sort_name": sort_key(cooperative.name),
        "search_title": index_text(cooperative.name),
        "search_head": _joined(head),
        "search_body": _joined([cooperative.description]),
        "tokens": tokens_of(cooperative, has_practices=has_practices),
    }
    return fields, [cooperative.name, *head, cooperative.description]


def has_practices(cooperative) -> bool:
    return cooperative.practices.filter(**SHARED_PRACTICES).exists()


@transaction.atomic
def refresh(cooperative) -> None:
    """Write the cooperative's stems, sort key and tokens; apply the change of its tokens to
    the stored counts; renew the cached directory pages when anything they show changed."""
    model = type(cooperative)
    model.objects.select_for_update().filter(pk=cooperative.pk).first()  # one writer
    fields, pieces = indexed(cooperative, has_practices=has_practices(cooperative))
    tokens = fields["tokens"]
    stored = model.objects.filter(pk=cooperative.pk).values(*fields).first() or {}
    changed = {name: value for name, value in fields.items() if stored.get(name) != value}
    if changed:
        model.objects.filter(pk=cooperative.pk).update(**changed)
    if changed.keys() - {"tokens", "sort_name"}:  # new words, perhaps
        remember_words("\n".join(pieces))
    for name, value in fields.items():
        setattr(cooperative, name, value)
    rows = cooperative.facet_rows
    old = list(rows.values_list("token", "sort_name"))
    if sorted(token for token, _name in old) != tokens or any(
        name != fields["sort_name"] for _token, name in old
    ):
        before = (
            facets.contributions([t for t, _n in old], public=True, pairs=PAIRS, scopes=SCOPES)
            if old
            else Counter()
        )
        after = (
            facets.contributions(tokens, public=True, pairs=PAIRS, scopes=SCOPES)
            if tokens
            else Counter()
        )
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
    every, stale, texts = [], [], set()
    for cooperative in cooperatives.iterator(chunk_size=2000):
        fields, pieces = indexed(cooperative, has_practices=cooperative.pk in with_practices)
        if any(getattr(cooperative, name) != value for name, value in fields.items()):
            stale.append(cooperative)  # the others are written already (an import's)
        for name, value in fields.items():
            setattr(cooperative, name, value)
        texts.update(pieces)
        every.append(cooperative)
        counted.append((fields["tokens"], True))
    bulk.update(cooperative_model, stale, INDEXED)
    facet_model.objects.all().delete()
    bulk.insert(facet_model, FACET_COLUMNS, facet_rows(every))
    facets.rebuild_counts(
        LIST_NAME, [item for item in counted if item[0]], pairs=pairs, scopes=SCOPES
    )
    _remember(texts)
    if forget:
        page_cache.forget_directory()


def facet_rows(cooperatives: Iterable) -> Iterable[tuple]:
    """The values of ``FACET_COLUMNS`` of each token of each cooperative (ids known)."""
    for cooperative in cooperatives:
        tokens = cooperative.tokens
        for token in tokens:
            yield (cooperative.pk, token, cooperative.sort_name, tokens)


# Past this many cooperatives whose tokens changed, the counts are counted again from every
# cooperative's tokens rather than adjusted by each one's contributions (some 1,000 keys each).
RECOUNT_PAST = 1000
# Up to this many cooperatives written, the cached pages of each are renewed; past it, the lists.
FORGET_ONE_BY_ONE = 50


class BulkIndex:
    """The directory's index kept in step with a bulk write of cooperatives (an import) in a
    number of queries that does not grow with them, where ``refresh`` takes a few each:

    - ``fill`` sets a cooperative's ``INDEXED`` fields on the object, before it is inserted or
      updated with them (the full-text triggers follow the row as it is written);
    - ``write_facets``, once the cooperatives filled since are written (their ids known), writes
      their facet rows again, only those whose tokens or sort name changed;
    - ``finish`` applies the change to the counts, adds the new words to the vocabulary and
      renews the cached pages, once at the end.
    """

    def __init__(self, cooperative_model) -> None:
        self.model = cooperative_model
        self.facet_model = cooperative_model.facet_rows.rel.related_model
        self.with_practices = set(
            cooperative_model.objects.filter(
                **{f"practices__{name}": value for name, value in SHARED_PRACTICES.items()}
            ).values_list("pk", flat=True)
        )
        self.due: list[tuple] = []  # (cooperative, its tokens before, None for a new one)
        self.moved: list[tuple[list[str], list[str]]] = []  # tokens before and after
        self.filled: list = []  # every cooperative written, for the cached pages
        self.texts: set[str] = set()  # whose words go to the vocabulary

    def fill(self, cooperative, *, new: bool) -> list[str]:
        """Set its ``INDEXED`` fields (its departement, region, union and federation loaded);
        the names of those that changed (all of them for a new one)."""
        fields, pieces = indexed(cooperative, has_practices=cooperative.pk in self.with_practices)
        changed = [
            name for name, value in fields.items() if new or getattr(cooperative, name) != value
        ]
        if new or "tokens" in changed or "sort_name" in changed:
            self.due.append((cooperative, None if new else list(cooperative.tokens)))
        if set(changed) - {"tokens", "sort_name"}:
            self.texts.update(pieces)
        for name in changed:
            setattr(cooperative, name, fields[name])
        self.filled.append(cooperative)
        return changed

    def write_facets(self) -> None:
        """The facet rows of the cooperatives filled since the last call, now written."""
        known = [cooperative.pk for cooperative, before in self.due if before is not None]
        if known:
            rows = self.facet_model.objects
            with bulk.through_indexes(self.facet_model):
                for some in batched(known, 500):
                    rows.filter(cooperative_id__in=some).delete()
        bulk.insert(self.facet_model, FACET_COLUMNS, facet_rows(c for c, _before in self.due))
        self.moved += [(before or [], c.tokens) for c, before in self.due if before != c.tokens]
        self.due = []

    def finish(self) -> None:
        """The counts, the vocabulary and the cached pages, after the last ``write_facets``."""
        if len(self.moved) > RECOUNT_PAST:
            every = self.model.objects.values_list("tokens", flat=True).iterator(chunk_size=5000)
            items = ((tokens, True) for tokens in every if tokens)
            facets.rebuild_counts(LIST_NAME, items, pairs=PAIRS, scopes=SCOPES)
        elif self.moved:
            before: Counter = Counter()
            after: Counter = Counter()
            for old, new in self.moved:  # no tokens: not listed, not even in the total
                if old:
                    before += facets.contributions(old, public=True, pairs=PAIRS, scopes=SCOPES)
                if new:
                    after += facets.contributions(new, public=True, pairs=PAIRS, scopes=SCOPES)
            facets.adjust_counts(LIST_NAME, before=before, after=after)
        _remember(self.texts)
        if len(self.filled) > FORGET_ONE_BY_ONE:
            page_cache.forget_directory()
        else:
            page_cache.forget_directory(*(cooperative.pk for cooperative in self.filled))


def _remember(texts: set[str]) -> None:
    """The words of these texts in the vocabulary (each text once: many share a commune)."""
    vocabulary = {word for text in texts for word in words(text)}
    if vocabulary:
        remember_words("\n".join(sorted(vocabulary)))
