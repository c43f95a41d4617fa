"""Django's Redis cache, keeping one client per connection pool.

Django's backend makes a new `redis.Redis` object for every operation, and redis-py sets up some 160 response
callbacks in each: on the session read every logged-in page makes, that cost more than the round trip itself.
A client is safe to share between threads (each command takes a connection from the pool), so one per pool is
kept.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        self._clients_lock = threading.Lock()

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django_client: Any = self  # the pools and the client class are private to Django's backend (no stubs)
        index = django_client._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            with self._clients_lock:
                client = self._clients.get(index)
                if client is None:
                    pools = django_client._pools
                    if index not in pools:  # as _get_connection_pool does, but for this index (reads pick at random)
                        pools[index] = django_client._pool_class.from_url(
                            django_client._servers[index], **django_client._pool_options
                        )
                    pool = pools[index]
                    client = self._clients[index] = django_client._client(connection_pool=pool)
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
