"""Django's Redis cache, with one client object per connection pool instead of one per call.

Django's ``RedisCacheClient.get_client()`` builds a new ``redis.Redis`` for every cache
operation; redis-py 8 fills about 170 response callbacks in each new client, which cost more
than the operation itself (about 0.25 ms, 16 times on a practice page missing from the
cache). A ``redis.Redis`` takes a connection from its pool for each command and is safe to
share between threads: one per pool is kept and reused. Everything else is Django's.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    # Two operations of observatoire.lib.cache in one round trip each, where Django's API needs
    # one per key: versions created for the objects a page shows, and an entry stored with the
    # version tokens it recorded as its computing lock is released.

    def _seconds(self, timeout) -> int | None:
        seconds = self.get_backend_timeout(timeout)
        return None if seconds is None else int(seconds)

    def add_many(self, data: dict, timeout=None, version=None) -> dict:
        """Store each value whose key is missing; return every key's value, the one stored or
        the one another worker stored first (absent if it vanished meanwhile)."""
        if not data:
            return {}
        keys = {self.make_and_validate_key(key, version=version): key for key in data}
        seconds = self._seconds(timeout)
        serializer = self._cache._serializer  # type: ignore[attr-defined]
        pipeline = self._cache.get_client(None, write=True).pipeline(transaction=False)
        for key, name in keys.items():
            pipeline.set(key, serializer.dumps(data[name]), ex=seconds, nx=True)
            pipeline.get(key)
        results = pipeline.execute()[1::2]
        return {
            name: serializer.loads(value)
            for name, value in zip(keys.values(), results, strict=True)
            if value is not None
        }

    # KEYS: the entry, the lock (or ""), then the version keys; ARGV: the entry, its lifetime in
    # seconds, then each version's token. Each token is created unless one exists; the entry is
    # stored only if every version then holds the token it recorded.
    _STORE_WITH_VERSIONS = """
    local current = true
    for i = 3, #KEYS do
        redis.call('SET', KEYS[i], ARGV[i], 'NX')
        if redis.call('GET', KEYS[i]) ~= ARGV[i] then current = false end
    end
    if current then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
    if KEYS[2] ~= '' then redis.call('DEL', KEYS[2]) end
    return current and 1 or 0
    """

    def store_with_versions(
        self, key: str, value, timeout, tokens: dict, lock: str | None = None, version=None
    ) -> bool:
        """Create each version token of ``tokens`` that is missing, then store ``value`` only if
        every one holds the token given (another worker's token means newer rows), and release
        ``lock``; atomically, in one round trip. Whether the value was stored."""
        serializer = self._cache._serializer  # type: ignore[attr-defined]
        client = self._cache.get_client(None, write=True)
        script = getattr(self, "_store_script", None)
        if script is None:
            script = self._store_script = client.register_script(self._STORE_WITH_VERSIONS)
        keys = [
            self.make_and_validate_key(key, version=version),
            self.make_and_validate_key(lock, version=version) if lock else "",
            *(self.make_and_validate_key(name, version=version) for name in tokens),
        ]
        seconds = self._seconds(timeout) or 365 * 24 * 3600
        arguments = [serializer.dumps(value), seconds]
        arguments += [serializer.dumps(token) for token in tokens.values()]
        return bool(script(keys=keys, args=arguments, client=client))
