"""The words search knows: synonyms both ways, typo correction and word families.

Everything here is computed in Python from two tables (``Synonym``, ``Word``), never by a
database's own fuzzy functions, so that SQLite and PostgreSQL correct and expand a query in
exactly the same way. Which stems are known, the query's own and their families', is one
indexed query per search; the whole word list, which only typo correction needs, is held in
each process and reloaded when a word was added (its newest id changes).
"""

import threading
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Max
from rapidfuzz import process
from rapidfuzz.distance import OSA

from observatoire.lib.prepared import Prepared
from observatoire.lib.text import STOP_WORDS, stem, words
from observatoire.search.models import Synonym, Word

MIN_WORD_LENGTH = 3
MAX_WORD_LENGTH = 60
# Derivational endings of stems that join a word family: « formateur » and « formation »
# (stem « format »), « trésorier » and « trésorerie », « directeur » and « direction ».
# « télétravailler » (stem « teletravaill ») and « télétravail » lose a doubled consonant.
FAMILY_ENDINGS = ("ateur", "eur", "ion", "er", "i", "if", "ement", "l", "n")
FAMILY_ROOT_MIN = 5  # « form » (forme, former) is too common a root to stand for « formation »


@dataclass
class Vocabulary:
    """The known words of one database, as of its newest word."""

    newest: int | None = None
    words: list[str] = field(default_factory=list)


_loaded: dict[str, Vocabulary] = {}
_lock = threading.Lock()


def vocabulary() -> Vocabulary:
    """Every known word, reloaded when a word was added since this process last read them."""
    newest = Word.objects.aggregate(newest=Max("pk"))["newest"]
    current = _loaded.get(Word.objects.db)
    if current is not None and current.newest == newest:
        return current
    fresh = Vocabulary(
        newest=newest, words=list(Word.objects.order_by("word").values_list("word", flat=True))
    )
    with _lock:
        _loaded[Word.objects.db] = fresh
    return fresh


def known_stems(stems: set[str]) -> set[str]:
    """Which of these stems some indexed text contains: one query on the stem index."""
    return set(Word.objects.filter(stem__in=stems).values_list("stem", flat=True).distinct())


def remember_words(text: str) -> None:
    """Add a text's words to the vocabulary (typo correction and families)."""
    seen = {
        word
        for word in words(text)
        if MIN_WORD_LENGTH <= len(word) <= MAX_WORD_LENGTH and not word.isdigit()
    }
    known = set(Word.objects.filter(word__in=seen).values_list("word", flat=True))
    Word.objects.bulk_create(
        [Word(word=word, stem=stem(word), length=len(word)) for word in sorted(seen - known)],
        ignore_conflicts=True,
        batch_size=500,
    )


_synonyms = Prepared(lambda: Synonym.objects.values_list("term", "expansion"), name="synonyms")


def synonym_pairs() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each synonym as (stems of the abbreviation, stems of the long form).

    A few dozen rows read at each search: an edit in the admin applies at once, everywhere.
    """
    pairs = [(stems_of(term), stems_of(expansion)) for term, expansion in _synonyms()]
    return [(term, expansion) for term, expansion in pairs if term and expansion]


@lru_cache(maxsize=4096)
def stems_of(text: str) -> tuple[str, ...]:
    """The stems of a synonym's words (a function of the text alone: remembered, as stemming
    every synonym twice at each search cost more than the search's own queries)."""
    return tuple(stem(word) for word in words(text) if word not in STOP_WORDS)


def closest_word(word: str) -> str | None:
    """The known word nearest to an unknown one: one edit for words of up to five letters,
    two for longer ones, a swap of two neighbouring letters counting as one (« cooperaitve »).
    Ties go to the word of the closest length, then the first in alphabetical order."""
    limit = 1 if len(word) <= 5 else 2
    candidates = process.extract(
        word, vocabulary().words, scorer=OSA.distance, score_cutoff=limit, limit=None
    )
    if not candidates:
        return None
    best = min(candidates, key=lambda found: (found[1], abs(len(found[0]) - len(word)), found[0]))
    return best[0]


def family_candidates(stem_: str) -> set[str]:
    """Stems that would be of the same family if some text had them: « formateur » →
    « format » (formation), « trésorier » → « trésorer » (trésorerie)."""
    roots = {stem_}
    for ending in FAMILY_ENDINGS:
        if stem_.endswith(ending) and len(stem_) - len(ending) >= FAMILY_ROOT_MIN:
            roots.add(stem_[: -len(ending)])
    return {root + ending for root in roots for ending in ("", *FAMILY_ENDINGS)} - {stem_}
