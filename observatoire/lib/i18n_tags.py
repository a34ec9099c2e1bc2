"""Django's ``i18n`` template library, with each ``{% translate "…" %}`` of a literal worked out
once per language.

Declared in settings.TEMPLATES' ``libraries`` as ``translations``: the site's pages
``{% load translations %}`` (a test checks it) instead of ``i18n``, and get every tag and filter
of Django's, parsed by Django's code. Only
``translate`` (and its old name ``trans``) renders differently: a literal message without
filters, whose context, if any, is a literal too, gives the same text for the same language and
escaping, so the node keeps that text instead of looking the message up, escaping it and
restoring its percent signs again (48 times on a practice's page, more on a list). Anything
else (a variable, a filter) is rendered by Django's code.
"""

from django import template
from django.template.base import Variable
from django.templatetags import i18n as django_i18n
from django.utils import translation

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)


def _is_literal(expression) -> bool:
    return (
        expression is not None
        and not expression.filters
        and isinstance(expression.var, Variable)
        and expression.var.literal is not None
    )


class TranslateNode(django_i18n.TranslateNode):
    def __init__(self, filter_expression, noop, asvar=None, message_context=None):
        super().__init__(filter_expression, noop, asvar, message_context)
        self.constant = _is_literal(self.filter_expression) and (
            message_context is None or _is_literal(message_context)
        )
        self.texts: dict[tuple, str] = {}

    def render(self, context):
        if not self.constant:
            return super().render(context)
        key = (translation.get_language(), context.autoescape, context.use_l10n)
        value = self.texts.get(key)
        if value is None:
            # Django's own rendering, once (without ``as``, so the context is left alone).
            plain = django_i18n.TranslateNode(
                self.filter_expression, self.noop, None, self.message_context
            )
            value = self.texts[key] = plain.render(context)
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


def _translate(parser, token):
    node = django_i18n.do_translate(parser, token)
    return TranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)


register.tag("translate", _translate)
register.tag("trans", _translate)
