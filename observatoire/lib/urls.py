"""Addresses of named routes, worked out once per process.

Django's ``reverse()`` walks the URL patterns at each call (20 to 35 µs here); a practice's page
names about 25 routes and a list of twenty cards about 80, the same ones from page to page. An
address depends only on the route, its arguments, the URLconf, the script prefix, the namespace
asked for and the active language: with all of them in the key, the memo answers as
``reverse()`` would. It holds plain arguments only (text and integers), at most MEMO_SIZE
addresses (the least recently used go first), and is emptied when the URLconf setting changes.
This is not a cache of content: nothing in it comes from the database.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils.translation import get_language

MEMO_SIZE = 20_000
PLAIN = (str, int)


@lru_cache(maxsize=MEMO_SIZE)
def _reverse(viewname, args, kwargs, current_app, urlconf, _prefix, _language) -> str:
    # The script prefix and the language are those of this call: they are in the key only.
    return django_reverse(
        viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def reverse(viewname, urlconf=None, args=None, kwargs=None, current_app=None) -> str:
    """``django.urls.reverse``, answered from the memo when the arguments are plain."""
    args = tuple(args or ())
    items = tuple(sorted(kwargs.items())) if kwargs else ()
    if (
        isinstance(viewname, str)
        and all(isinstance(value, PLAIN) for value in args)
        and all(isinstance(value, PLAIN) for _key, value in items)
    ):
        return _reverse(
            viewname,
            args,
            items,
            current_app,
            urlconf or get_urlconf(),
            get_script_prefix(),
            get_language(),
        )
    return django_reverse(
        viewname, urlconf=urlconf, args=args, kwargs=kwargs, current_app=current_app
    )


@receiver(setting_changed)
def _forget_on_new_urlconf(setting, **kwargs) -> None:
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME", "LANGUAGE_CODE", "LANGUAGES"}:
        _reverse.cache_clear()


clear = _reverse.cache_clear
