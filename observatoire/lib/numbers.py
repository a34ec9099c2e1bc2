"""Whole numbers read from what people send: ASCII digits only, in a bounded range.

``str.isdigit()`` accepts « ² », « ① » or « ⁰ », which ``int()`` then refuses, and ``int()``
itself accepts digits of other scripts (« ١٢ ») and numbers no database column holds
(SQLite's integers stop at 2⁶³ − 1). Every number taken from a query string, a form or a
path goes through ``parse_int``: anything else is « no number », never an exception.
"""

import re

# Ids, versions, years, pages: a database integer column (signed 64 bits) holds them all.
MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_int(value, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """``value`` (a str; surrounding spaces allowed) as an int within [minimum, maximum],
    or None when it is not ASCII digits or is out of range."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def is_ascii_digits(value: str) -> bool:
    """Only the digits 0 to 9 (a SIREN, a code): what ``str.isdigit()`` should have meant."""
    return value.isascii() and value.isdigit()


class IdConverter:
    """``<id:pk>`` in a path: ASCII digits that fit a database id, else no match (a 404),
    where Django's ``<int:pk>`` lets 99999999999999999999 through to an overflow in SQLite."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_int(value, minimum=0)
        if number is None:
            raise ValueError(value)  # the resolver tries the next pattern, then 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))
