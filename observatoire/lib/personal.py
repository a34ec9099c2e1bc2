"""One person's parts of a page: ``{% personal "template" %}`` (their menu, with their name, their
notifications and their form token), and the stencils that render them for everyone.

A part is rendered from a *stencil*: its template rendered once per process for each *shape*
(the language, which link is the current page, whether the person is signed in, moderates, has
unread notifications), with a slot in place of each personal text. Filling a slot joins strings,
so a person's menu costs microseconds instead of a template's hundreds of nodes on every page,
and a page shared by every signed-in person of a scope (lib/cache.py,
``cache_page_for_visitors(members=True)``) costs them little more than a visitor's.

The app that owns a part registers, for its template, a function of the request giving
``(shape, context, values)``: the stencil's context holds only what is the same for everyone of
that shape, and ``slot(name)`` where ``values[name]`` goes, escaped. Nothing of one person
enters a stencil, so nothing of theirs can reach another's page. A part without such a function
is rendered from its template and the page's context, as an ``{% include %}`` would.
"""

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote

from django.conf import settings
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# (shape, stencil context, values) for a request.
Provider = Callable[[Any], tuple[tuple, dict[str, Any], dict[str, str]]]
# The part's markup for a request and the values the page gave it, safe (made of
# lib/stencil.py's stencils, say).
Renderer = Callable[..., str]

_providers: dict[str, Provider] = {}
_renderers: dict[str, Renderer] = {}
_stencils: dict[tuple, tuple[str, ...]] = {}
# Slots: letters and digits only, so that escaping or URL-encoding leaves them as they are; a
# random part per process, so that no text of a template or of the site makes one.
_SLOT_TAG = f"personalslot{secrets.token_hex(6)}x"
_SLOT = re.compile(f"{_SLOT_TAG}([a-z]+)x")


def register(template_name: str, provider: Provider) -> None:
    """Render ``template_name``, wherever ``{% personal %}`` names it, from stencils."""
    _providers[template_name] = provider


def register_renderer(name: str, renderer: Renderer) -> None:
    """Render the part ``name``, wherever ``{% personal name value… %}`` names it, with
    ``renderer(request, value…)``: for a part whose markup varies by more than slots can hold
    (an address with a number), made of stencils of its own (lib/stencil.py). Its markup must
    be safe: escaped or stencilled. The values (numbers, texts, None) are what the page knows
    of what the part is about, kept in the shared page's mark, so that filling it need not
    read them again."""
    _renderers[name] = renderer


def slot(name: str) -> SafeString:
    """Where the value ``name`` goes in a stencil (lowercase letters only)."""
    if not name.isalpha() or not name.islower():
        raise ValueError(f"slot names are lowercase letters: {name!r}")
    return mark_safe(f"{_SLOT_TAG}{name}x")


def render_part(request, template_name: str, context=None, values: tuple = ()) -> str:
    """The part for this request: filled from its stencil, or rendered from its template (or
    by its renderer, given the ``values`` of the tag)."""
    renderer = _renderers.get(template_name)
    if renderer is not None and request is not None:
        return mark_safe(renderer(request, *values))
    provider = _providers.get(template_name)
    if provider is None or request is None:
        if context is not None:
            return context.template.engine.get_template(template_name).render(context)
        return render_to_string(template_name, request=request)
    shape, stencil_context, slotted = provider(request)
    pieces = _stencil(template_name, shape, stencil_context)
    # Even pieces are the template's text, odd ones the names of slots.
    return mark_safe(
        "".join(
            piece if index % 2 == 0 else conditional_escape(slotted[piece])
            for index, piece in enumerate(pieces)
        )
    )


def _stencil(template_name: str, shape: tuple, context: dict[str, Any]) -> tuple[str, ...]:
    key = (template_name, translation.get_language(), *shape)
    pieces = _stencils.get(key)
    if pieces is None:
        template = get_template(template_name).template  # type: ignore[attr-defined]
        html = template.render(Context(context, autoescape=True))
        pieces = tuple(_SLOT.split(html))
        if not settings.DEBUG:  # in development, templates change under a running server
            _stencils[key] = pieces
    return pieces


def personal_part(context, template_name: str, *values) -> str:
    """``{% personal "template" value… %}``: the part for this request, or, while a page shared
    by signed-in people is computed, its mark (``cut_at_personal_parts``), which keeps the
    ``values`` (for a renderer: ``register_renderer``)."""
    request = context.get("request")
    if request is not None and getattr(request, "_sharing_page", False):
        if template_name not in PERSONAL_TEMPLATES:
            raise ValueError(f"{template_name} is not in PERSONAL_TEMPLATES")
        mark = _personal_mark(template_name)
        if values:  # quoted: letters, digits, « %_.-~ », never the comment's end
            mark = mark[: -len(_MARK_END)] + ":" + quote(json.dumps(values), safe="") + _MARK_END
        return mark_safe(mark)  # a comment of our own
    return render_part(request, template_name, context, values)


def cut_at_personal_parts(content: bytes) -> tuple[bytes, ...]:
    """A shared page cut where its personal parts go: its text, a part's template name (and
    its quoted values), its text… (the first mark of each part: a page holds each part once).
    Cut once when the page is kept, so that filling it is a join."""
    found: list[tuple[int, int, bytes]] = []
    for name in PERSONAL_TEMPLATES:
        mark = _personal_mark(name)[: -len(_MARK_END)].encode()
        start = content.find(mark)
        if start >= 0:
            stop = content.index(_MARK_END.encode(), start) + len(_MARK_END)
            values = content[start + len(mark) : stop - len(_MARK_END)]  # b"" or b":…"
            found.append((start, stop, name.encode() + values))
    pieces: list[bytes] = []
    end = 0
    for start, stop, encoded_name in sorted(found):
        pieces += [content[end:start], encoded_name]
        end = stop
    pieces.append(content[end:])
    return tuple(pieces)


def fill_personal_parts(request, pieces: tuple[bytes, ...]) -> bytes:
    """A page cut by ``cut_at_personal_parts`` with each part rendered for this request."""
    return b"".join(
        piece if index % 2 == 0 else _filled(request, piece.decode()).encode()
        for index, piece in enumerate(pieces)
    )


def _filled(request, piece: str) -> str:
    name, _sep, values = piece.partition(":")
    return render_part(request, name, values=tuple(json.loads(unquote(values))) if values else ())


_marks: dict[str, str] = {}


def _personal_mark(name: str) -> str:
    """What a shared page holds in place of the personal template ``name``: an HTML comment
    with a secret of the site, which no text shown on a page can hold (people's texts are
    escaped or cleaned of comments), so that only the site's own mark is filled."""
    mark = _marks.get(settings.SECRET_KEY + name)
    if mark is None:
        secret = hashlib.sha256(f"personal:{settings.SECRET_KEY}".encode()).hexdigest()[:24]
        mark = _marks[settings.SECRET_KEY + name] = f"<!--personal:{secret}:{name}{_MARK_END}"
    return mark


_MARK_END = "-->"


# The parts a shared page may leave to each person: the menu ({% personal %} in base.html), a
# cooperative's « Suivre » and « Modifier la fiche » (directory/actions.py).
PERSONAL_TEMPLATES = ("includes/main_nav.html", "directory/cooperative_actions")
