"""French text normalisation for search: folding, tokens, stems, excerpts with highlights.

Documents and queries go through the same functions, so what is indexed on SQLite (FTS5) and on
PostgreSQL (tsvector with the 'simple' configuration) is the same list of stems: the databases
only match tokens we computed, which is why both give the same results.
"""

import re
import unicodedata
from functools import lru_cache

import Stemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WORD_RE = re.compile(r"[0-9a-zA-Z\u00C0-\u024F]+")
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})

# Words too common to help find a practice. Kept short on purpose: "ca" (CA, conseil
# d'administration) and "ag" are abbreviations of the movement, not stop words.
STOP_WORDS = frozenset(
    """
    a au aux avec ce ces cet cette d dans de des du elle en et eux il ils j je l la le les leur
    leurs lui m ma mais me meme mes moi mon n ne nos notre nous on ou par pas pour qu que qui s
    sa se ses si son sur t ta te tes toi ton tu un une vos votre vous y est sont ete etre avoir
    ont plus tout tous toute toutes aussi comme chez entre sans sous comment quel quelle quels
    quelles pourquoi quand 1
    """.split()  # noqa: SIM905 (a list would be longer to read)
)
# « 1 » stands with the stop words as « un » does: « de un à trois » and « 1 à 3 » meet.

_stemmer = Stemmer.Stemmer("french")


def fold(text: str) -> str:
    """Lower case, ligatures opened, accents removed: « Évènement » → « evenement »."""
    decomposed = unicodedata.normalize("NFD", text.translate(LIGATURES).lower())
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn")


def words(text: str) -> list[str]:
    """The folded words of a text, in order (stop words included)."""
    return WORD_RE.findall(fold(text))


# Number words up to twenty and the round tens, indexed and searched as digits: « semaine de
# quatre jours » and « semaine de 4 jours » are the same words for search.
NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        ["", "", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze"]
        + ["douze", "treize", "quatorze", "quinze", "seize", "", "", "", "vingt"],
    )
    if word  # « un » is mostly an article; « dix-sept » is two words
} | {"trente": "30", "quarante": "40", "cinquante": "50", "soixante": "60", "mille": "1000"}

# Feminine endings brought back to the masculine before stemming. Snowball knows « ière » and
# « euse » with their accents; on folded words it stems « trésorière » and « trésorier »
# apart, and never joins « formatrice » to « formateur ». Both documents and queries go
# through this, so a few odd pairs it creates (« antenne » → « anten ») do no harm.
FEMININE_ENDINGS = (
    ("trices", "teurs"),
    ("trice", "teur"),
    ("ieres", "iers"),
    ("iere", "ier"),
    ("euses", "eurs"),
    ("euse", "eur"),
    ("ennes", "ens"),
    ("enne", "en"),
    ("ives", "ifs"),
    ("ive", "if"),
)


def masculine(folded_word: str) -> str:
    """« formatrice » → « formateur », « trésorière » → « trésorier » (folded)."""
    for ending, replacement in FEMININE_ENDINGS:
        if len(folded_word) > len(ending) + 2 and folded_word.endswith(ending):
            return folded_word[: -len(ending)] + replacement
    return folded_word


@lru_cache(maxsize=65536)
def stem(folded_word: str) -> str:
    """Stem one folded word.

    Snowball's French stemmer is run on unaccented words so that « evenement » typed without
    accents meets « événement »; endings it leaves apart once accents are gone are joined
    first (associée/associé, élus/élu, trésorière/trésorier), and number words become digits.
    """
    if folded_word in NUMBER_WORDS:
        return NUMBER_WORDS[folded_word]
    word = masculine(folded_word)
    if len(word) > 4 and word.endswith("ees"):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("ee"):
        word = word[:-1]
    stemmed = _stemmer.stemWord(word)
    if len(stemmed) > 2 and stemmed.endswith("s") and not stemmed.endswith("ss"):
        stemmed = stemmed[:-1]
    return stemmed


@lru_cache(maxsize=65536)
def word_stem(word: str) -> str:
    """The stem of a word as written in a text (folded first)."""
    return stem(fold(word))


def mentions(text: str, wanted: set[str]) -> bool:
    """Whether a text contains a word whose stem is wanted."""
    return not wanted.isdisjoint(map(word_stem, set(WORD_RE.findall(text))))


TENS = {"10", "20", "30", "40", "50", "60"}


def meaningful_words(text: str) -> list[str]:
    """The folded words of a text without stop words, compound numbers written in words
    joined as digits: « trente-deux » → « 32 », « dix-huit » → « 18 »."""
    found = [word for word in words(text) if word not in STOP_WORDS]
    joined: list[str] = []
    for word in found:
        number = NUMBER_WORDS.get(word)
        previous = NUMBER_WORDS.get(joined[-1]) if joined else None
        if number and previous in TENS and int(number) < 10:
            joined[-1] = str(int(previous) + int(number))
        else:
            joined.append(word)
    return joined


def stems(text: str) -> list[str]:
    """The stems of the meaningful words of a text, in order."""
    return [stem(word) for word in meaningful_words(text)]


def index_text(text: str) -> str:
    """The text as a space-separated string of stems, as stored for the search index."""
    return " ".join(stems(text))


def highlight_excerpt(text: str, wanted: set[str], *, length: int = 240) -> SafeString:
    """An excerpt of ``text`` around its first wanted stem, with matches wrapped in <mark>."""
    if not text:
        return mark_safe("")
    first = next((m for m in WORD_RE.finditer(text) if word_stem(m.group()) in wanted), None)
    start = 0
    if first:
        start = max(0, first.start() - length // 3)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    end = min(len(text), start + length)
    while end < len(text) and not text[end - 1].isspace():
        end += 1
    # Only the excerpt is read for more matches (the text may be pages long); it starts and
    # ends at a space or at the text's ends, so no word is cut.
    matches = [m for m in WORD_RE.finditer(text, start, end) if word_stem(m.group()) in wanted]
    pieces: list[str] = ["… " if start > 0 else ""]
    cursor = start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        pieces.append(escape(text[cursor : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        cursor = match.end()
    pieces.append(escape(text[cursor:end].rstrip()))
    if end < len(text):
        pieces.append(" …")
    return mark_safe("".join(pieces))


def highlight(text: str, wanted: set[str]) -> SafeString:
    """The whole (short) text, escaped, with wanted stems wrapped in <mark>."""
    pieces: list[str] = []
    cursor = 0
    for match in WORD_RE.finditer(text):
        if word_stem(match.group()) in wanted:
            pieces.append(escape(text[cursor : match.start()]))
            pieces.append(f"<mark>{escape(match.group())}</mark>")
            cursor = match.end()
    pieces.append(escape(text[cursor:]))
    return mark_safe("".join(pieces))


def edit_distance(first: str, second: str, limit: int = 3) -> int:
    """Damerau–Levenshtein distance (adjacent swaps count as one), stopping past ``limit``."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(second) + 1))
    for i, char_a in enumerate(first, 1):
        current = [i] + [0] * len(second)
        for j, char_b in enumerate(second, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == second[j - 2] and first[i - 2] == char_b:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return previous[-1]
