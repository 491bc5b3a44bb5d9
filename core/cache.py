"""Django's Redis cache backend, degrading to "no cache" when Redis is down.

When Redis is stopped or unreachable, every operation answers as a cache miss would (get → the
default, add → stored, incr → the delta) instead of raising: the session falls back to the
database (cached_db), cached page parts are computed directly, and sign-in keeps working
(docs/reliability.md). Calls time out quickly (OPTIONS in settings) and, after a failure, Redis is
not tried again for OUTAGE_BACKOFF seconds, so an outage costs each request nothing. Keys written
or deleted during the outage are deleted when Redis answers again: a session ended or changed
meanwhile must not come back from a stale copy (best effort, per process)."""

import logging
import threading
import time

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

OUTAGE_BACKOFF = 2.0  # seconds without trying Redis after a failed call
MAX_DIRTY_KEYS = 10_000


class _Outage:
    """Per process: when Redis may be tried again, and the keys to forget when it answers."""

    lock = threading.Lock()
    retry_at = 0.0
    dirty: set[str] = set()


class _DegradingClient(RedisCacheClient):
    """Django's client; its operations are wrapped below.

    It also keeps one redis-py client per connection pool. Django's get_client() builds a new
    `redis.Redis` for every cache call, and its constructor copies redis-py's table of ~170 response
    callbacks: about 60 µs, half the cost of a GET, twice per signed-in page (the session and one
    cached value). A `redis.Redis` holds no connection of its own (it borrows one from the pool per
    command) and is safe to share between threads, which is what redis-py documents; the pools
    themselves stay Django's (`_get_connection_pool`), so reads and writes go where they went."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


def _degrading(name: str, fallback, *, writes: bool):
    method = getattr(_DegradingClient, name)

    def call(self, *args, **kwargs):
        if _Outage.retry_at and time.monotonic() < _Outage.retry_at:
            return _fail(args, fallback, writes)
        try:
            result = method(self, *args, **kwargs)
        except redis.exceptions.RedisError as exc:
            if not isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
                raise
            with _Outage.lock:
                first = not _Outage.retry_at
                _Outage.retry_at = time.monotonic() + OUTAGE_BACKOFF
            if first:
                logger.warning("cache: Redis unavailable (%s), serving without cache", type(exc).__name__)
            return _fail(args, fallback, writes)
        if _Outage.retry_at:
            _recovered(self)
        return result

    call.__name__ = name
    return call


def _fail(args, fallback, writes):
    if writes and args:
        keys = args[0] if isinstance(args[0], list | tuple | set | dict) else [args[0]]
        with _Outage.lock:
            if len(_Outage.dirty) < MAX_DIRTY_KEYS:
                _Outage.dirty.update(keys)
    return fallback(args) if callable(fallback) else fallback


def _recovered(client: _DegradingClient) -> None:
    with _Outage.lock:
        dirty, _Outage.dirty, _Outage.retry_at = list(_Outage.dirty), set(), 0.0
    logger.warning("cache: Redis answers again; forgetting %d keys written during the outage", len(dirty))
    for start in range(0, len(dirty), 500):
        try:
            client.get_client(write=True).delete(*dirty[start : start + 500])
        except redis.exceptions.RedisError:
            return


# What each operation answers during an outage: what it would answer for an absent key, except
# add (True: the caller proceeds as if it held the key) and incr (the delta: a fresh counter).
_FALLBACKS = {
    "get": (lambda args: args[1] if len(args) > 1 else None, False),
    "get_many": ({}, False),
    "has_key": (False, False),
    "add": (True, True),
    "set": (None, True),
    "set_many": ([], True),
    "touch": (False, True),
    "delete": (False, True),
    "delete_many": (None, True),
    "incr": (lambda args: args[1] if len(args) > 1 else 1, True),
}
for _name, (_fallback, _writes) in _FALLBACKS.items():
    setattr(_DegradingClient, _name, _degrading(_name, _fallback, writes=_writes))


class PortalRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _DegradingClient
