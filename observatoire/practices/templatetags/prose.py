"""``{{ text|paragraphs }}``: a contributor's text as paragraphs and lists (lib/prose.py)."""

from django import template

from observatoire.lib.prose import paragraphs

register = template.Library()
register.filter("paragraphs", paragraphs)
