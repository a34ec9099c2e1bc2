"""Reading what a person typed: words, typos, synonyms and word families, as groups of stems.

A query becomes groups of alternatives: every group must match (AND), and within a group any
alternative (OR), an alternative being stems that must all be present. « AG » and « assemblée
générale » are alternatives of one group, whichever was typed; so are « formatrice » and
« formation ». A word no indexed text contains is replaced by the closest known word, and the
corrected query is offered (« Vouliez-vous dire … ? »).
"""

from dataclasses import dataclass, field

from observatoire.lib.text import WORD_RE, fold, meaningful_words, stem
from observatoire.search.vocabulary import (
    closest_word,
    family_candidates,
    known_stems,
    synonym_pairs,
)

MAX_QUERY_WORDS = 12
MAX_QUERY_LENGTH = 200
MIN_CORRECTED_LENGTH = 4  # shorter unknown words are abbreviations or codes, not typos

Alternative = tuple[str, ...]


@dataclass
class ParsedQuery:
    text: str
    groups: list[list[Alternative]] = field(default_factory=list)
    # The stems of the words as typed (after correction), in order: the exact phrase.
    phrase: list[str] = field(default_factory=list)
    suggestion: str = ""
    cut: bool = False  # words past MAX_QUERY_WORDS were left out

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def wanted_stems(self) -> set[str]:
        return {stem_ for group in self.groups for alternative in group for stem_ in alternative}

    @property
    def key(self) -> tuple:
        """What the results depend on, for cache keys: the same for « AG » and « ag »."""
        return tuple(tuple(group) for group in self.groups)


def parse(text: str, max_length: int = MAX_QUERY_LENGTH) -> ParsedQuery:
    text = " ".join(text.split())[:max_length]
    query = ParsedQuery(text=text)
    tokens = meaningful_words(text)
    if len(tokens) > MAX_QUERY_WORDS:
        tokens, query.cut = tokens[:MAX_QUERY_WORDS], True
    if not tokens:
        return query
    pairs = synonym_pairs()
    abbreviations = {stems for pair in pairs for stems in pair if len(stems) == 1}
    stems_ = [stem(token) for token in tokens]
    families = {stem_: family_candidates(stem_) for stem_ in stems_}
    known = known_stems(set(stems_).union(*families.values()))
    corrected = [
        token
        if _is_known(token, known, families[stem_], abbreviations)
        else closest_word(token) or token
        for token, stem_ in zip(tokens, stems_, strict=True)
    ]
    if corrected != tokens:
        query.suggestion = _suggestion(text, dict(zip(tokens, corrected, strict=True)))
        stems_ = [stem(token) for token in corrected]
        families = {stem_: family_candidates(stem_) for stem_ in stems_}
        known = known_stems(set(stems_).union(*families.values()))
    query.phrase = stems_
    query.groups = _groups(stems_, pairs, {s: sorted(families[s] & known) for s in stems_})
    return query


def _is_known(token: str, known: set[str], relatives: set[str], abbreviations) -> bool:
    """Whether a word is left as typed: known, of a known family (« trésorière » when only
    « trésorerie » is indexed), an abbreviation, a number or too short to be a typo."""
    stem_ = stem(token)
    return (
        stem_ in known
        or bool(relatives & known)
        or (stem_,) in abbreviations
        or token.isdigit()
        or len(token) < MIN_CORRECTED_LENGTH
    )


def _suggestion(text: str, corrections: dict[str, str]) -> str:
    """The typed text with the corrected words replaced, the others as typed."""
    changed = {typed: fixed for typed, fixed in corrections.items() if typed != fixed}
    return WORD_RE.sub(lambda match: changed.get(fold(match.group()), match.group()), text)


def _groups(stems_: list[str], pairs, families: dict[str, list[str]]) -> list[list[Alternative]]:
    """AND-groups of alternatives: the longest synonym found at each position (either side of
    the pair) gives one group of both sides; any other word gives its stem and its family."""
    groups: list[list[Alternative]] = []
    position = 0
    while position < len(stems_):
        best: tuple[int, list[Alternative]] | None = None
        for first, second in pairs:
            for found, other in ((first, second), (second, first)):
                size = len(found)
                if tuple(stems_[position : position + size]) == found and (
                    best is None or size > best[0]
                ):
                    best = (size, [found, other])
        if best is not None:
            size, alternatives = best
            groups.append(_synonyms_of(alternatives, pairs))
            position += size
            continue
        stem_ = stems_[position]
        groups.append([(stem_,), *((relative,) for relative in families[stem_])])
        position += 1
    return groups


def _synonyms_of(alternatives: list[Alternative], pairs) -> list[Alternative]:
    """Every form linked to these by a chain of synonyms: « CG Scop », « CGScop » and
    « confédération générale des Scop » are one group whichever is typed."""
    found = list(alternatives)
    grown = True
    while grown:
        grown = False
        for first, second in pairs:
            if (first in found) != (second in found):
                found.append(second if first in found else first)
                grown = True
    return found
