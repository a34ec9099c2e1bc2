"""``{% personal "template" %}``: a part of a page that is one person's own (their menu, their
name, their form token), rendered for each request even when the rest of the page is shared
by every signed-in person of a scope (lib/cache.py, ``cache_page_for_visitors(members=True)``),
from a stencil when its app registered one (lib/personal.py).
"""

from django import template

from observatoire.lib.personal import personal_part

register = template.Library()
register.simple_tag(personal_part, takes_context=True, name="personal")
