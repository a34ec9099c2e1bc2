"""Caching of what practices look like: a version token changed whenever a practice changes,
and rendered fragments keyed by it, so that nothing cached is ever stale."""

import hashlib
import uuid
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation

LISTING_VERSION_KEY = "practices:listing-version"


def listing_version() -> str:
    """The current token; cached counts are keyed by it, so they are never stale."""
    version = cache.get(LISTING_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex[:12]
        cache.set(LISTING_VERSION_KEY, version, None)
    return version


def forget_listings() -> None:
    cache.set(LISTING_VERSION_KEY, uuid.uuid4().hex[:12], None)


FRAGMENT_SECONDS = 600


def viewer_scope(user) -> str:
    """Members see members-only practices and contacts; everyone else sees the public site."""
    return "members" if user.is_authenticated and user.is_member else "public"


def cached_fragment(request, kind: str, parts: tuple, render: Callable[[], object]):
    """What ``render()`` returns, cached per data version, language, viewer scope and ``parts``.

    Only what is the same for everyone of a scope may be cached this way: no names, no forms.
    """
    signature = repr((kind, parts)).encode()
    key = ":".join(
        [
            "fragment",
            listing_version(),
            translation.get_language() or "fr",
            viewer_scope(request.user),
            hashlib.sha256(signature).hexdigest()[:32],
        ]
    )
    value = cache.get(key)
    if value is None:
        value = render()
        cache.set(key, value, FRAGMENT_SECONDS)
    return value


def cache_page_for_visitors(view):
    """Serve a page to anonymous visitors from the cache, until a practice changes.

    Only for visitors without a session or pending message: their page holds nothing personal
    (no name, no form token), so everyone with the same language sees the same bytes. Signed-in
    people always get a freshly rendered page (from cached fragments).
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        personal = (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            or "messages" in request.COOKIES
            or request.method != "GET"
        )
        if personal:
            return view(request, *args, **kwargs)
        signature = repr((request.get_full_path(), request.headers.get("HX-Request"))).encode()
        key = ":".join(
            [
                "page",
                listing_version(),
                translation.get_language() or "fr",
                hashlib.sha256(signature).hexdigest()[:32],
            ]
        )
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        # A page that used the CSRF token carries a per-visitor secret: never shared.
        if (
            response.status_code == 200
            and not response.streaming
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            cache.set(key, (response.content, response["Content-Type"]), FRAGMENT_SECONDS)
        return response

    return wrapped
