"""What a list page prints for its twenty cards and its hundred facet links, prepared in Python.

The template engine spends a few microseconds on every node it renders, and a list repeats the
same few fragments a hundred and fifty times: rendered by includes/listing.html, the cards and
facets cost more than the page's queries. So the template keeps the page's structure and each
card's frame, and the fragments repeated inside them (a facet link, a card's cooperative, a
theme chip) are formatted here, escaped as the template would, with the words of the current
language looked up once per list rather than once per card.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape  # django.utils.html.escape() without its lazy-string wrapper
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.formats import get_format
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext

from observatoire.lib.text import highlight, highlight_excerpt, mentions
from observatoire.network.models import Cooperative

# Where a search's excerpt is taken from: the first of these that mentions a searched word.
EXCERPT_FIELDS = ["summary", "context", "actions", "setup_steps", "results", "difficulties"]
SUMMARY_WORDS = 40  # as truncatewords:40 would, without a search

FACET_LINK = (
    '<li><a href="{url}#resultats" class="facet-link{selected_class}"{current} data-hx-get="{url}"'
    ' data-hx-target="#listing" data-hx-select="#listing"'
    ' data-hx-swap="outerHTML show:#resultats:top" data-hx-push-url="true">'
    ' <span class="facet-box" aria-hidden="true">{box}</span>'
    ' <span class="facet-label">{label}{selected_hint}</span> {count} </a></li>\n'
)
FACET_COUNT = '<span class="facet-count">{}</span>'
SELECTED_HINT = '<span class="visually-hidden"> ({})</span>'
CREDIT = '<span>{name} <span class="muted">({family}, {departement})</span></span>'
THEME_CHIP = '<li><a class="chip" href="{url}">{name}</a></li>'
# A card's frame, as includes/practice_card.html writes it (the list's twenty cards, formatted
# here rather than by twenty loops of the template's lookups).
CARD = (
    '<article class="card practice-card">\n'
    '  <p class="card-kicker"><a href="{category_url}">{category}</a>{badge}</p>\n'
    '  <h3 class="card-title"><a href="{url}">{title}</a></h3>\n'
    '  <p class="card-text">{excerpt}</p>\n'
    '  <p class="card-meta">\n'
    "    {credits}\n"
    "    {published}\n"
    "  </p>\n"
    "  {themes}\n"
    "</article>\n"
)
MEMBERS_ONLY_BADGE = ' · <span class="badge">{}</span>'
PUBLISHED = '<span class="muted"> · {}</span>'
THEMES = '<p class="visually-hidden">{title}</p><ul class="chips">{chips}</ul>'
# What a card is made of, for the key of the cards stored with the practices (page_body.py).
CARD_FORMATS = (CARD, CREDIT, THEME_CHIP, THEMES, PUBLISHED, MEMBERS_ONLY_BADGE, SUMMARY_WORDS)


@dataclass
class FacetChoice:
    value: str
    label: str
    count: int | None
    selected: bool
    url: str


@dataclass
class FacetView:
    param: str
    label: Any
    choices: list[FacetChoice]
    links_html: SafeString = SafeString("")  # its choices' links, from facet_links()

    @property
    def has_selection(self) -> bool:
        return any(choice.selected for choice in self.choices)


def facet_links() -> Callable[[Iterable[FacetChoice]], SafeString]:
    """The HTML of a facet's links (an <li> each); the hint and number format looked up once."""
    hint = SELECTED_HINT.format(escape(gettext("filtre actif, cliquer pour le retirer")))
    count_text = _count_formatter()

    def links(choices: Iterable[FacetChoice]) -> SafeString:
        return SafeString(
            "".join(
                FACET_LINK.format(
                    url=escape(choice.url),
                    selected_class=" is-selected" if choice.selected else "",
                    current=' aria-current="true"' if choice.selected else "",
                    box="✓" if choice.selected else "",
                    label=escape(choice.label),
                    selected_hint=hint if choice.selected else "",
                    count=""
                    if choice.count is None
                    else FACET_COUNT.format(count_text(choice.count)),
                )
                for choice in choices
            )
        )

    return links


def _count_formatter() -> Callable[[int], str]:
    """humanize's intcomma, the language's thousands separator looked up once."""
    if get_format("NUMBER_GROUPING") != 3:
        return intcomma
    separator = escape(get_format("THOUSAND_SEPARATOR"))
    return lambda count: f"{count:,}".replace(",", separator)


def decorate_cards(practices: Iterable, wanted: set[str]) -> None:
    """Give each practice what its card in includes/listing.html prints, escaped: its title and
    text (with the searched words marked, for a search), its links, cooperatives, date and
    themes (``card_cooperatives`` and ``card_themes``, as ``cards_by_pk`` reads them).

    URLs are built from one reverse() per pattern (a slug needs no quoting); the date is
    formatted as the « j F Y » of the date filter, in the current time zone.
    """
    practice_url = _slug_url("practices:detail")
    category_url = _slug_url("practices:category_detail")
    theme_url = _slug_url("practices:theme_detail")
    families = {value: escape(str(label)) for value, label in Cooperative.Family.choices}
    published = gettext("publiée le %(date)s")
    members_only = MEMBERS_ONLY_BADGE.format(escape(gettext("Réservée aux membres")))
    themes_title = escape(gettext("Thèmes"))
    zone = get_current_timezone()
    for practice in practices:
        title = SafeString(escape(practice.title))
        practice.title_html = highlight(practice.title, wanted) if wanted else title
        practice.excerpt_html = _excerpt(practice, wanted) if wanted else ""
        if not practice.excerpt_html:
            summary = Truncator(practice.summary).words(SUMMARY_WORDS, truncate=" …")
            practice.excerpt_html = SafeString(escape(summary))
        practice.url = practice_url(practice.slug)
        practice.category_url = category_url(practice.category.slug)
        practice.credits_html = SafeString(
            " · ".join(
                CREDIT.format(
                    name=escape(cooperative.name),
                    family=families.get(cooperative.family) or escape(cooperative.family),
                    departement=escape(cooperative.departement),
                )
                for cooperative in practice.card_cooperatives
            )
        )
        practice.published_text = ""
        if practice.published_at:
            day = practice.published_at.astimezone(zone)
            date = f"{day.day} {MONTHS[day.month]} {day.year:04d}"
            practice.published_text = published % {"date": date}
        practice.themes_html = SafeString(
            "".join(
                THEME_CHIP.format(url=escape(theme_url(theme.slug)), name=escape(theme.name))
                for theme in practice.card_themes
            )
        )
        category = practice.category
        practice.card_html = SafeString(
            CARD.format(
                category_url=escape(practice.category_url),
                category=escape(category.name) if category is not None else "",
                badge="" if practice.is_public else members_only,
                url=escape(practice.url),
                title=practice.title_html,
                excerpt=practice.excerpt_html,
                credits=practice.credits_html,
                published=PUBLISHED.format(escape(practice.published_text))
                if practice.published_text
                else "",
                themes=THEMES.format(title=themes_title, chips=practice.themes_html)
                if practice.themes_html
                else "",
            )
        )


# Where a card's title and text stand (CARD): between these, escaped text, which holds no « < ».
TITLE_START, TITLE_END = '<h3 class="card-title"><a href="', "</a></h3>"
TEXT_START, TEXT_END = '<p class="card-text">', "</p>"


def marked_card(card_html: str, practice, wanted: set[str]) -> SafeString:
    """A stored card (page_body.py) as a search shows it: its title and its text with the
    searched words marked, as ``decorate_cards`` would have written them."""
    if not wanted:
        return SafeString(card_html)
    start = card_html.index('">', card_html.index(TITLE_START) + len(TITLE_START)) + 2
    end = card_html.index(TITLE_END, start)
    text_start = card_html.index(TEXT_START, end) + len(TEXT_START)
    text_end = card_html.index(TEXT_END, text_start)
    excerpt = _excerpt(practice, wanted) or card_html[text_start:text_end]
    return SafeString(
        card_html[:start]
        + highlight(practice.title, wanted)
        + card_html[end:text_start]
        + excerpt
        + card_html[text_end:]
    )


def _excerpt(practice, wanted: set[str]) -> SafeString:
    text = next(
        (
            getattr(practice, name)
            for name in EXCERPT_FIELDS
            if mentions(getattr(practice, name), wanted)
        ),
        practice.summary,
    )
    return highlight_excerpt(text, wanted, length=260)


def _slug_url(name: str) -> Callable[[str], str]:
    """reverse(name, kwargs={"slug": …}) for many slugs at the cost of one."""
    before, after = reverse(name, kwargs={"slug": "slug"}).rsplit("slug", 1)
    return lambda slug: f"{before}{slug}{after}"
