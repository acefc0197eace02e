"""The Redis cache backend, with one Redis client per connection pool.

Django's ``RedisCacheClient`` makes a new ``redis.Redis`` for every cache call, and each one sets up
redis-py's table of some 170 response callbacks: ~0.3 ms of Python per call, and a search page makes
several (bench/README.md, "Before and after"). A ``redis.Redis`` over a connection pool is
thread-safe, so one per pool is kept and reused.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class PortalRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient
