"""A version token for cached practice listings: changed whenever a practice changes."""

import uuid

from django.core.cache import cache

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
