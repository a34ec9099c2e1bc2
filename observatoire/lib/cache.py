"""Caching of what practices look like: a version token changed whenever a practice changes,
and rendered fragments keyed by it, so that nothing cached is ever stale."""

import hashlib
import uuid
from collections.abc import Callable

from django.core.cache import cache
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
    key = ":".join([
        "fragment", listing_version(), translation.get_language() or "fr",
        viewer_scope(request.user), hashlib.sha256(signature).hexdigest()[:32],
    ])
    value = cache.get(key)
    if value is None:
        value = render()
        cache.set(key, value, FRAGMENT_SECONDS)
    return value
