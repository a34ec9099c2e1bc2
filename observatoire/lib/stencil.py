"""Markup a template renders the same for everyone but a few values, rendered once per process.

On a member's practice page, the blank comment form, the « Enregistrer » and « Suivre » buttons
differ from one page or person to the next only by an address, a name and the CSRF token, yet
each cost a template render with its forms and lookups: together about 0.6 ms of a 3 ms page.
A :class:`Stencil` renders its template once per language and *shape* (the values that choose a
branch of the template, such as whether the practice is bookmarked), with a mark in place of
each other value; a request then puts its own values, escaped as the template would have, in
place of the marks. The markup is made from code and settings only, never from data: it is a
compiled form of the template, not a cache.

A marked value must only be printed by the template (escaped, as ``{{ value }}`` does, or as part
of a ``{% url %}``), never tested or transformed: the test of each stencil compares it with the
template's own rendering.
"""

import re
from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# A mark survives HTML escaping, URL reversal (a slug, an integer) and ``urlencode``.
_TEXT_MARK = "stencilmark{}x"
_INT_MARK = 7_390_000_000_000 + 1_000
_MAX_SHAPES = 64  # per stencil: shapes past these are rendered each time


class Stencil:
    """``Stencil(name, context, marks)``: the template ``name`` rendered with ``context(*shape,
    **marks)``; ``render(*shape, **values)`` gives that markup with each value in place of its
    mark. ``marks`` names each value and says whether the template takes it as an integer (for
    a ``{% url %}`` whose parameter is one) or as text."""

    def __init__(
        self, template_name: str, context: Callable[..., dict], marks: dict[str, type]
    ) -> None:
        self.template_name = template_name
        self.context = context
        self.marks: dict[str, str | int] = {
            name: _INT_MARK + index if kind is int else _TEXT_MARK.format(index)
            for index, (name, kind) in enumerate(marks.items())
        }
        by_text = {str(mark): name for name, mark in self.marks.items()}
        self._pattern = re.compile("|".join(re.escape(text) for text in by_text))
        self._by_text = by_text
        self._parts: dict[tuple, list[str]] = {}

    def _compile(self, shape: tuple) -> list[str]:
        """The markup split at the marks: text, name, text, name…, text."""
        markup = render_to_string(self.template_name, self.context(*shape, **self.marks))
        parts: list[str] = []
        position = 0
        for found in self._pattern.finditer(markup):
            parts += [markup[position : found.start()], self._by_text[found.group()]]
            position = found.end()
        parts.append(markup[position:])
        return parts

    def render(self, *shape: Any, **values: Any) -> SafeString:
        key = (get_language(), *shape)
        parts = self._parts.get(key)
        if parts is None:
            parts = self._compile(shape)
            if len(self._parts) < _MAX_SHAPES:
                self._parts[key] = parts
        pieces = list(parts)
        for index in range(1, len(pieces), 2):
            pieces[index] = escape(values[pieces[index]])
        return mark_safe("".join(pieces))
