"""lib/i18n_tags.py: {% load translations %} is Django's i18n library, and {% translate %} of a
literal, kept per language, renders exactly as Django's does."""

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.templatetags.i18n import TranslateNode as DjangoTranslateNode
from django.utils import translation

from observatoire.lib.i18n_tags import TranslateNode


def render(source: str, context: dict | None = None, *, autoescape: bool = True) -> str:
    return Template("{% load translations %}" + source).render(
        Context(context or {}, autoescape=autoescape)
    )


def test_every_page_template_loads_the_kept_translations():
    """The pages' templates (not e-mails, rendered once a message) load this library."""
    plain = re.compile(r"{%\s*load\s+([^%]*\s)?i18n[\s%]")
    templates = [
        path
        for root in [
            settings.BASE_DIR / "templates",
            *Path(settings.BASE_DIR, "observatoire").glob("*/templates"),
        ]
        for path in root.rglob("*.html")
    ]
    assert len(templates) > 50
    assert [str(path) for path in templates if plain.search(path.read_text())] == []


def test_load_translations_gives_every_tag_and_the_kept_translate():
    template = Template(
        '{% load translations %}{% translate "Accueil" %}{% get_current_language as l %}'
    )
    nodes = [node for node in template.nodelist if isinstance(node, DjangoTranslateNode)]
    assert len(nodes) == 1 and isinstance(nodes[0], TranslateNode) and nodes[0].constant


def test_a_literal_follows_the_active_language_on_the_same_template():
    template = Template('{% load translations %}{% translate "Accueil" %}/{% trans "Rechercher" %}')
    with translation.override("fr"):
        assert template.render(Context()) == "Accueil/Rechercher"
    with translation.override("en"):
        assert template.render(Context()) == "Home/Search"
    with translation.override("fr"):
        assert template.render(Context()) == "Accueil/Rechercher"


def test_as_sets_the_variable_each_time():
    template = Template('{% load translations %}{% translate "Accueil" as label %}[{{ label }}]')
    with translation.override("en"):
        assert template.render(Context()) == "[Home]"
        assert template.render(Context()) == "[Home]"


def test_a_variable_or_a_filter_is_rendered_by_django_each_time():
    template = Template(
        "{% load translations %}{% translate message %}|{% translate 'accueil'|capfirst %}"
    )
    node = template.nodelist[1]
    assert isinstance(node, TranslateNode) and not node.constant
    with translation.override("en"):
        assert template.render(Context({"message": "Accueil"})) == "Home|Accueil"
        assert template.render(Context({"message": "Rechercher"})) == "Search|Accueil"


def test_escaping_percent_signs_and_noop_as_django():
    sources = [
        '{% translate "<b>5 %% & co</b>" %}',
        '{% translate "Accueil" noop %}',
        '{% translate "Accueil" context "menu" %}',
    ]
    for source in sources:
        for autoescape in (True, False):
            expected = Template("{% load translations %}" + source)
            ours = render(source, autoescape=autoescape)
            assert ours == render(source, autoescape=autoescape)  # kept, the same
            # Django's own node on the same text.
            node = expected.nodelist[1]
            plain = DjangoTranslateNode(
                node.filter_expression, node.noop, None, node.message_context
            )
            assert ours == plain.render(Context(autoescape=autoescape))
