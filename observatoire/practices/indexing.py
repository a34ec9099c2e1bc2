"""What search reads of a practice: its title, its head and its body, as stems.

The head (summary, category, themes, tags) weighs more than the body when ranking; the body
holds the rest of the text and where the practice's cooperatives are: name, commune,
département and région, so that « Finistère » or « Bretagne » finds the practices done there.

One place computes it for ``Practice.reindex()``, the data migration that rebuilt the index
and ``generatedata``'s bulk rows, so all three index a practice the same way. ``index`` turns a
piece of text into stems (``lib.text.index_text``, or a cached copy of it).
"""

from collections.abc import Callable, Iterable

from observatoire.lib.text import index_text

BODY_FIELDS = (
    "context",
    "actions",
    "setup_steps",
    "setup_duration",
    "setup_cost",
    "setup_people",
    "results",
    "difficulties",
)


def head_pieces(practice, *, category, themes: Iterable, tags: Iterable) -> list[str]:
    return [
        practice.summary,
        category.name if category else "",
        *(theme.name for theme in themes),
        *(tag.name for tag in tags),
    ]


def body_pieces(practice, *, cooperatives: Iterable) -> list[str]:
    pieces = [getattr(practice, name) for name in BODY_FIELDS]
    for cooperative in cooperatives:
        departement = cooperative.departement
        pieces += [
            cooperative.name,
            cooperative.commune,
            departement.name if departement else "",
            departement.region.name if departement else "",
        ]
    return pieces


def joined(pieces: Iterable[str], index: Callable[[str], str] = index_text) -> str:
    """The stems of the pieces, in order; the index of joined pieces is the join of their
    indexes, as words never span a line break."""
    return " ".join(filter(None, (index(piece) for piece in pieces if piece)))
