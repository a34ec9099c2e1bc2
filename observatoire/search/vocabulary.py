"""The words search knows: synonyms both ways, typo correction and word families.

Everything here is computed in Python from two tables (``Synonym``, ``Word``), never by a
database's own fuzzy functions, so that SQLite and PostgreSQL correct and expand a query in
exactly the same way. The vocabulary is held in each process and reloaded only when a word was
added (its newest id changes): one indexed query per search instead of a cache.
"""

import threading
from dataclasses import dataclass, field

from django.db.models import Max
from rapidfuzz import process
from rapidfuzz.distance import OSA

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
    """The known words and stems of one database, as of its newest word."""

    newest: int | None = None
    words: list[str] = field(default_factory=list)
    stems: set[str] = field(default_factory=set)


_loaded: dict[str, Vocabulary] = {}
_lock = threading.Lock()


def vocabulary() -> Vocabulary:
    """The vocabulary, reloaded when a word was added since this process last read it."""
    newest = Word.objects.aggregate(newest=Max("pk"))["newest"]
    current = _loaded.get(Word.objects.db)
    if current is not None and current.newest == newest:
        return current
    rows = list(Word.objects.order_by("word").values_list("word", "stem"))
    fresh = Vocabulary(
        newest=newest, words=[word for word, _ in rows], stems={stem_ for _, stem_ in rows}
    )
    with _lock:
        _loaded[Word.objects.db] = fresh
    return fresh


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


def synonym_pairs() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each synonym as (stems of the abbreviation, stems of the long form).

    A few dozen rows read at each search: an edit in the admin applies at once, everywhere.
    """
    return [
        (stems_of(term), stems_of(expansion))
        for term, expansion in Synonym.objects.values_list("term", "expansion")
        if stems_of(term) and stems_of(expansion)
    ]


def stems_of(text: str) -> tuple[str, ...]:
    return tuple(stem(word) for word in words(text) if word not in STOP_WORDS)


def closest_word(word: str, known: Vocabulary) -> str | None:
    """The known word nearest to an unknown one: one edit for words of up to five letters,
    two for longer ones, a swap of two neighbouring letters counting as one (« cooperaitve »).
    Ties go to the word of the closest length, then the first in alphabetical order."""
    limit = 1 if len(word) <= 5 else 2
    candidates = process.extract(
        word, known.words, scorer=OSA.distance, score_cutoff=limit, limit=None
    )
    if not candidates:
        return None
    best = min(candidates, key=lambda found: (found[1], abs(len(found[0]) - len(word)), found[0]))
    return best[0]


def family(stem_: str, known: Vocabulary) -> list[str]:
    """Other known stems of the same family: « formateur » → « format » (formation)."""
    roots = {stem_}
    for ending in FAMILY_ENDINGS:
        if stem_.endswith(ending) and len(stem_) - len(ending) >= FAMILY_ROOT_MIN:
            roots.add(stem_[: -len(ending)])
    candidates = {root + ending for root in roots for ending in ("", *FAMILY_ENDINGS)}
    return sorted(candidate for candidate in candidates - {stem_} if candidate in known.stems)
