from django import template

from observatoire.network.cards import card_html

register = template.Library()


@register.simple_tag
def cooperative_card(cooperative):
    """``{% cooperative_card cooperative %}``: its card (network/cards.py)."""
    return card_html(cooperative)
