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
