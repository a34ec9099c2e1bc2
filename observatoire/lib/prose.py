"""A contributor's plain text as HTML: paragraphs, line breaks, and the lists people type.

Contributors write steps as lines starting with « - », « * », « • » or « – », or numbered
« 1. » or « 1) »: those lines become a list (``<ul>`` or ``<ol>``), which goes on across blank
lines; an indented line after an item continues it. Other lines are paragraphs, as Django's
``linebreaks`` makes them. Everything typed is escaped and the only tags are these, written
here: the output needs no sanitiser.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BULLET = re.compile(r"[-*•–]\s+(?P<text>\S.*)")
# At most three digits: « 2019. Une année » is not the 2019th step.
NUMBERED = re.compile(r"(?P<number>\d{1,3})[.)]\s+(?P<text>\S.*)")


def _item(line: str) -> tuple[str, str, int] | None:
    """(« ul » or « ol », the item's text, its number) when the line is a list item."""
    stripped = line.strip()
    if found := BULLET.fullmatch(stripped):
        return "ul", found["text"], 1
    if found := NUMBERED.fullmatch(stripped):
        return "ol", found["text"], int(found["number"])
    return None


def _blocks(text: str) -> list[tuple[str, list[list[str]], int]]:
    """The text as blocks (kind, lines of each item or of the paragraph, first number)."""
    blocks: list[tuple[str, list[list[str]], int]] = []
    after_blank = True
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            after_blank = True
            continue
        item = _item(line)
        last = blocks[-1] if blocks else None
        if item is not None:
            kind, content, number = item
            if last is not None and last[0] == kind:
                last[1].append([content])
            else:
                blocks.append((kind, [[content]], number))
        elif last is not None and last[0] != "p" and not after_blank and line[0].isspace():
            last[1][-1].append(line.strip())  # an item's next line
        elif last is not None and last[0] == "p" and not after_blank:
            last[1][0].append(line.strip())
        else:
            blocks.append(("p", [[line.strip()]], 1))
        after_blank = False
    return blocks


def paragraphs(text: str) -> SafeString:
    """``text`` as escaped paragraphs and lists."""
    html = []
    for kind, items, number in _blocks(text or ""):
        joined = ["<br>".join(escape(line) for line in lines) for lines in items]
        if kind == "p":
            html.append(f"<p>{joined[0]}</p>")
            continue
        start = f' start="{number}"' if kind == "ol" and number != 1 else ""
        html.append(
            f"<{kind}{start}>" + "".join(f"<li>{item}</li>" for item in joined) + f"</{kind}>"
        )
    return mark_safe("".join(html))
