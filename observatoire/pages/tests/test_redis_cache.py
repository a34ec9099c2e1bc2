"""The Redis cache backend (lib/redis_cache.py): Django's, with one client reused per pool."""

import socket
from unittest import mock

import pytest
import redis

from observatoire.lib.redis_cache import RedisCache

REDIS = ("127.0.0.1", 6379)


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not redis_answers(), reason="Redis ne répond pas sur 6379")


def test_operations_work_and_reuse_one_client():
    cache = RedisCache("redis://127.0.0.1:6379/5", {"KEY_PREFIX": "essai-client"})
    cache.clear()
    made = []
    original = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        made.append(1)
        original(self, *args, **kwargs)

    with mock.patch.object(redis.Redis, "__init__", counting):
        cache.set("a", {"valeur": 1}, 30)
        assert cache.add("verrou", 1, 30) is True
        assert cache.add("verrou", 1, 30) is False
        assert cache.get("a") == {"valeur": 1}
        assert cache.get_many(["a", "absent"]) == {"a": {"valeur": 1}}
        cache.delete("verrou")
        assert cache.get("verrou") is None
    assert len(made) <= 1  # Django's own backend builds a client for each operation
    cache.clear()


def test_add_many_keeps_what_another_worker_stored_first():
    cache = RedisCache("redis://127.0.0.1:6379/5", {"KEY_PREFIX": "essai-ajout"})
    cache.clear()
    cache.set("version:b", "jeton-existant", None)
    found = cache.add_many({"version:a": "nouveau-a", "version:b": "nouveau-b"}, None)
    assert found == {"version:a": "nouveau-a", "version:b": "jeton-existant"}
    assert cache.get_many(["version:a", "version:b"]) == found
    cache.clear()


def test_an_entry_is_stored_with_the_tokens_it_recorded_and_releases_its_lock():
    cache = RedisCache("redis://127.0.0.1:6379/5", {"KEY_PREFIX": "essai-verrou"})
    cache.clear()
    cache.set("version:b", "jeton-b", None)
    assert cache.add("page:lock", 1, 30)
    tokens = {"version:a": "jeton-a", "version:b": "jeton-b"}
    assert cache.store_with_versions("page", {"contenu": "<p>"}, 30, tokens, "page:lock")
    assert cache.get("page") == {"contenu": "<p>"}
    assert cache.get_many(list(tokens)) == tokens  # the missing token is created
    assert cache.add("page:lock", 1, 30)  # released
    cache.clear()


def test_an_entry_computed_before_a_newer_token_is_not_stored():
    """Another worker renewed a version after this one read it missing: its rows may be
    older, so the entry is dropped, the newer token kept, and the lock released all the same."""
    cache = RedisCache("redis://127.0.0.1:6379/5", {"KEY_PREFIX": "essai-perime"})
    cache.clear()
    cache.set("version:a", "jeton-plus-recent", None)
    assert cache.add("page:lock", 1, 30)
    stored = cache.store_with_versions(
        "page", {"contenu": "ancien"}, 30, {"version:a": "jeton-lu-absent"}, "page:lock"
    )
    assert stored is False
    assert cache.get("page") is None
    assert cache.get("version:a") == "jeton-plus-recent"
    assert cache.add("page:lock", 1, 30)
    cache.clear()


def test_versions_and_pages_go_through_the_one_round_trip_operations(settings):
    """observatoire.lib.cache on Redis: tokens created together, an entry stored (with the
    tokens it recorded) as its lock is released, and the same answers as any other backend."""
    from django.core.cache import caches

    from observatoire.lib import cache as page_cache

    settings.CACHES = {
        "default": {
            "BACKEND": "observatoire.lib.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/5",
            "KEY_PREFIX": "essai-versions",
        }
    }
    caches["default"].clear()
    calls = []
    with (
        mock.patch.object(RedisCache, "add", autospec=True, side_effect=RedisCache.add) as added,
        mock.patch.object(
            RedisCache,
            "store_with_versions",
            autospec=True,
            side_effect=RedisCache.store_with_versions,
        ) as stored,
    ):
        first = page_cache.versions(["practice:1", "practice:2"])
        assert page_cache.versions(["practice:1", "practice:2"]) == first
        page_cache.bump("practice:1")
        assert page_cache.versions(["practice:1"]) != {"practice:1": first["practice:1"]}
        value = page_cache.computed_once(
            "unit:entry",
            lambda entry: True,
            lambda: calls.append(1) or "calculé",
            entry_of=lambda entry: entry,
        )
        assert value == "calculé" and stored.call_count == 1
        again = page_cache.computed_once(
            "unit:entry",
            lambda entry: True,
            lambda: calls.append(1) or "recalculé",
            entry_of=lambda entry: entry,
        )
        assert again == "calculé" and calls == [1]
    # Only the computing lock was taken key by key; the version tokens went together.
    assert [call.args[1] for call in added.call_args_list] == ["unit:entry:lock"]
    caches["default"].clear()
