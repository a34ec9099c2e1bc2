"""A practice page's body, rendered when the practice changes and stored on its row.

The body (practice_body.html: the practice's sections, themes, tags, links, documents and the
cards of its cooperatives) costs the page five queries and a few hundred template nodes, and it
changes only when the practice, one of those relations, a category, theme or tag name or a
cooperative it names changes. So it is rendered then, in the transaction that made the change,
and the page reads it with the practice's row (``body_html``). Nothing expires: it is data
kept up to date on write, like the facet counts, not a cache; what is personal (the contact's
address, for members only) is rendered with each page where the stored body marks it.

The card a list without a query shows of the practice (list_markup.decorate_cards: its
category, title, summary, cooperatives, date and themes) is stored beside it (``card_html``),
rendered and dropped with the body, on the same writes: a page of a list reads its twenty
cards in one query instead of three and their formatting.

Both are stored in the site's language (``settings.LANGUAGE_CODE``); a page in another language
renders its body as before. Each stored body starts with a key of the templates, translations
and address prefix it came from: a deployment that changes them leaves the pages rendering
their body until ``manage.py renderpractices`` (or the background task a change of names
queues) stores them again. A stored body or card is never shown in any other case than the one
it was rendered for, so a stale one costs time, never a wrong page.
"""

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import django
from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.tasks import task
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from observatoire.lib.prepared import Prepared, attach
from observatoire.network import cards
from observatoire.network.models import Cooperative, Departement, Organisation, Sector
from observatoire.practices import list_markup
from observatoire.practices.models import (
    Attachment,
    Category,
    Practice,
    PracticeLink,
    Tag,
    Theme,
    cards_by_pk,
)

BODY_TEMPLATE = "practices/practice_body.html"
CONTACT_TEMPLATE = "practices/practice_contact.html"
# Every template the stored body is made of (the contact is not), and a number to raise when
# what they call (filters, models' methods) renders differently.
STORED_TEMPLATES = (BODY_TEMPLATE,)
FORMAT = 1
# Where the contact goes: an HTML comment, which no text of the practice can make (escaped).
CONTACT_MARK: SafeString = mark_safe("<!--contact-->")
BATCH = 200

# What practice_body.html shows besides the practice's own row, a query each (lib/prepared.py).
BODY_RELATIONS = {
    "cooperatives": Prepared(lambda pk: Cooperative.objects.with_card().filter(practices=pk)),
    "themes": Prepared(lambda pk: Theme.objects.filter(practices=pk)),
    "tags": Prepared(lambda pk: Tag.objects.filter(practices=pk)),
    "links": Prepared(lambda pk: PracticeLink.objects.filter(practice=pk)),
    "attachments": Prepared(lambda pk: Attachment.objects.filter(practice=pk)),
}


def with_body_relations(practice: Practice) -> Practice:
    """What practice_body.html shows besides the practice's own row, a query each, left as
    ``prefetch_related`` would leave them."""
    for name, query in BODY_RELATIONS.items():
        if name in getattr(practice, "_prefetched_objects_cache", {}):
            continue  # already read (the themes, to choose related practices)
        known_empty = getattr(practice, f"has_{name}", True) is False  # see views.practice_by_slug
        attach(practice, name, [] if known_empty else query(practice.pk))
    return practice


@cache
def _key() -> str:
    """What a stored body was rendered from, but the address prefix: the templates' text, the
    code of the cooperatives' cards (network/cards.py), the translations and Django's version
    (month names), FORMAT."""
    digest = hashlib.sha256(f"{FORMAT} {django.get_version()}".encode())
    digest.update(repr(list_markup.CARD_FORMATS).encode())  # a change stores every card again
    digest.update(Path(cards.__file__).read_bytes())
    for name in STORED_TEMPLATES:
        digest.update(get_template(name).template.source.encode())  # type: ignore[attr-defined]
    for path in settings.LOCALE_PATHS:
        for catalog in sorted(Path(path).glob("*/LC_MESSAGES/*.mo")):
            digest.update(catalog.read_bytes())
    return digest.hexdigest()[:16]


def _prefix() -> str:
    return f"<!--body {_key()} {get_script_prefix()}-->"


def _card_prefix() -> str:
    return f"<!--card {_key()} {get_script_prefix()}-->"


def render_cards(pks: list[int]) -> dict[int, str]:
    """The cards of these practices as stored: in the site's language, as a list without a
    query prints them (list_markup.decorate_cards)."""
    with translation.override(settings.LANGUAGE_CODE):
        practices = cards_by_pk(pks)
        list_markup.decorate_cards(practices.values(), set())
    prefix = _card_prefix()
    return {pk: prefix + practice.card_html for pk, practice in practices.items()}


# The stored cards of a page of a list, by pk (lib/prepared.py).
_stored_cards = Prepared(
    lambda pks: Practice.objects.filter(pk__in=pks).values_list("pk", "title", "slug", "card_html"),
    name="stored_cards",
)


# The stored cards of a page of a search, with what its words are marked in.
_stored_search_cards = Prepared(
    lambda pks: Practice.objects.filter(pk__in=pks).only(
        "title", "slug", "card_html", *list_markup.EXCERPT_FIELDS
    ),
    name="stored_search_cards",
)


@dataclass
class StoredCard:
    """What a list shows of a practice whose card is stored."""

    pk: int
    title: str
    slug: str
    card_html: SafeString


def stored_cards(pks: list[int], wanted: set[str] | None = None) -> dict[int, StoredCard]:
    """The cards of these practices that are stored as this request would render them (in the
    site's language, from the current templates); the others are left out. With ``wanted``
    (a search's stems), their titles and texts with those words marked."""
    if not pks or translation.get_language() != settings.LANGUAGE_CODE:
        return {}
    prefix = _card_prefix()
    if wanted is not None:
        return {
            practice.pk: StoredCard(
                practice.pk,
                practice.title,
                practice.slug,
                list_markup.marked_card(practice.card_html[len(prefix) :], practice, wanted),
            )
            for practice in _stored_search_cards(pks)
            if practice.card_html.startswith(prefix)
        }
    return {
        pk: StoredCard(pk, title, slug, mark_safe(html[len(prefix) :]))  # escaped already
        for pk, title, slug, html in _stored_cards(pks)
        if html.startswith(prefix)
    }


def render_stored(practice: Practice) -> str:
    """The body as stored: in the site's language, the contact left to each page."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            BODY_TEMPLATE, {"practice": with_body_relations(practice), "contact_mark": CONTACT_MARK}
        )
    return _prefix() + html


def body(practice: Practice, request) -> str:
    """The practice's body as this request shows it: stored when it may be, else rendered."""
    stored = practice.body_html
    prefix = _prefix()
    if stored.startswith(prefix) and translation.get_language() == settings.LANGUAGE_CODE:
        contact = render_to_string(CONTACT_TEMPLATE, {"practice": practice}, request=request)
        return mark_safe(stored[len(prefix) :].replace(CONTACT_MARK, contact, 1))
    return render_to_string(
        BODY_TEMPLATE, {"practice": with_body_relations(practice)}, request=request
    )


def _shown(practices):
    """Those whose page anyone may open: a body is stored for them only."""
    return practices.published().for_page().select_related("category")


def refresh(pk: int) -> None:
    """Render and store this practice's body, as the transaction now has it (a practice no
    one may open keeps none)."""
    practice = _shown(Practice.objects.filter(pk=pk)).first()
    html = render_stored(practice) if practice is not None else ""
    card = render_cards([pk]).get(pk, "") if practice is not None else ""
    changed = Practice.objects.filter(pk=pk).exclude(body_html=html, card_html=card)
    changed.update(body_html=html, card_html=card)


def render_all(practices=None) -> int:
    """Render and store the body and card of these practices (every one by default) whose
    stored body or card is missing or out of date; how many were rendered. In batches,
    relations prefetched."""
    queryset = _shown(practices if practices is not None else Practice.objects.all())
    current = Q(body_html__startswith=_prefix()) & Q(card_html__startswith=_card_prefix())
    pks = list(queryset.exclude(current).values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        batch = queryset.filter(pk__in=pks[start : start + BATCH]).prefetch_related(
            Prefetch("cooperatives", queryset=Cooperative.objects.with_card()),
            *(name for name in BODY_RELATIONS if name != "cooperatives"),
        )
        rendered = []
        for practice in batch:
            practice.body_html = render_stored(practice)
            rendered.append(practice)
        cards = render_cards([practice.pk for practice in rendered])
        for practice in rendered:
            practice.card_html = cards.get(practice.pk, "")
        Practice.objects.bulk_update(rendered, ["body_html", "card_html"])
    return len(pks)


@task()
def render_bodies(pks: list[int]) -> int:
    """Background task: store again the bodies a change of names left out of date."""
    return render_all(Practice.objects.filter(pk__in=pks))


def forget(practices) -> None:
    """What these practices' bodies name changed (a category, a cooperative…): drop their
    stored bodies now, in the transaction, so that their pages render them; store them again
    in the background once it commits."""
    pks = sorted(practices.exclude(body_html="").values_list("pk", flat=True).distinct())
    for start in range(0, len(pks), 1000):
        drop(pks[start : start + 1000])
    if pks:
        # Robust: should the task not be queued, the pages stay right, only slower, and the
        # change that dropped them is kept.
        transaction.on_commit(lambda: render_bodies.enqueue(pks), robust=True)


# What a stored body shows of other rows: per model, the fields shown (None: all of them) and
# the practices that show them.
def _named() -> dict:
    return {
        # Positions: the order of the themes on a card.
        Category: (("name", "slug", "position"), lambda pk: Practice.objects.filter(category=pk)),
        Theme: (("name", "slug", "position"), lambda pk: Practice.objects.filter(themes=pk)),
        Tag: (("name",), lambda pk: Practice.objects.filter(tags=pk)),
        Cooperative: (None, lambda pk: Practice.objects.filter(cooperatives=pk)),
        Organisation: (
            ("short_name",),
            lambda pk: Practice.objects.filter(
                Q(cooperatives__union=pk) | Q(cooperatives__federation=pk)
            ),
        ),
        Sector: (("name",), lambda pk: Practice.objects.filter(cooperatives__sector=pk)),
        Departement: (
            ("code", "name"),
            lambda pk: Practice.objects.filter(cooperatives__departement=pk),
        ),
    }


def _shown_values(model, fields, pk) -> dict | None:
    names = fields or [field.attname for field in model._meta.concrete_fields]
    return model._default_manager.filter(pk=pk).values(*names).first()


def drop(pks) -> None:
    """These practices' bodies no longer say what they show: their pages render it, until the
    code that changed them (``Practice.save()``, ``reindex()``…) stores it again."""
    stored = Q(body_html="") & Q(card_html="")
    Practice.objects.filter(pk__in=pks).exclude(stored).update(body_html="", card_html="")


def _document_changed(sender, instance, **kwargs) -> None:
    if instance.practice_id:
        drop([instance.practice_id])


def _relation_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """A practice's themes, tags or cooperatives, changed from either side."""
    if action in {"post_add", "post_remove"}:
        drop(pk_set if reverse else [instance.pk])
    elif action == "pre_clear":
        if reverse:
            column = next(
                field.attname
                for field in sender._meta.concrete_fields
                if field.is_relation and field.related_model is type(instance)
            )
            drop(sender.objects.filter(**{column: instance.pk}).values("practice_id"))
        else:
            drop([instance.pk])


def connect() -> None:
    """Drop the stored bodies whatever changes what they show, whoever changes it (the admin,
    ``loaddata``, a script): their documents, links, themes, tags and cooperatives; a row they
    name whose shown fields change or that is deleted (a fixture loaded again unchanged drops
    nothing)."""
    for document in (Attachment, PracticeLink):
        for signal in (post_save, post_delete):
            signal.connect(_document_changed, sender=document, dispatch_uid=f"page-body-{document}")
    for relation in (Practice.themes, Practice.tags, Practice.cooperatives):
        m2m_changed.connect(
            _relation_changed, sender=relation.through, dispatch_uid=f"page-body-{relation.field}"
        )
    for model, (fields, practices) in _named().items():

        def before(sender, instance, fields=fields, **kwargs) -> None:
            instance._shown_before = (
                _shown_values(sender, fields, instance.pk) if instance.pk else None
            )

        def after(sender, instance, created=False, fields=fields, practices=practices, **kwargs):
            before = getattr(instance, "_shown_before", None)
            if (
                not created
                and before is not None
                and before != _shown_values(sender, fields, instance.pk)
            ):
                forget(practices(instance.pk))

        def deleted(sender, instance, practices=practices, **kwargs) -> None:
            forget(practices(instance.pk))

        uid = f"page-body-{model._meta.label}"
        pre_save.connect(before, sender=model, dispatch_uid=f"{uid}-before", weak=False)
        post_save.connect(after, sender=model, dispatch_uid=f"{uid}-after", weak=False)
        pre_delete.connect(deleted, sender=model, dispatch_uid=f"{uid}-deleted", weak=False)
