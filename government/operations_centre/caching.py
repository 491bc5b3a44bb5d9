"""Two-level cache of the operations centre's rendered payloads: a small per-process LRU in front of
Redis.

Why: a dashboard payload is ~80 kB of HTML that changes only when a snapshot run finishes (its key
carries the snapshot generation, see services.generation). Reading it from Redis on every page view
costs a round trip and the transfer and unpickling of those 80 kB, about a fifth of a page view's
time (docs/benchmarks.md, "Operations centre"). Each web process keeps the last few payloads it
served, under the same key, until the same expiry time as the Redis entry: the local copy is never
fresher nor staler than what Redis would have returned, and a new generation means a new key.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.core.cache import cache

# A dashboard payload is ~80-100 kB: 64 of them stay under ~7 MB per web process.
LOCAL_MAX_ENTRIES = 64

_local: OrderedDict[str, tuple[float, object]] = OrderedDict()
_lock = threading.Lock()


def get_or_compute[T](key: str, timeout: int, compute: Callable[[], T]) -> T:
    """The value cached under `key`, from this process, else Redis, else `compute()` (then stored in
    both for `timeout` seconds). The expiry time travels with the value, so a copy taken from Redis
    late in its life expires locally when the Redis entry does."""
    now = time.time()
    with _lock:
        hit = _local.get(key)
        if hit is not None:
            if hit[0] > now:
                _local.move_to_end(key)
                return hit[1]  # type: ignore[return-value]
            del _local[key]
    stored = cache.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] > now:
        expires_at, value = stored
    else:
        value = compute()
        expires_at = now + timeout
        cache.set(key, (expires_at, value), timeout)
    with _lock:
        _local[key] = (expires_at, value)
        _local.move_to_end(key)
        while len(_local) > LOCAL_MAX_ENTRIES:
            _local.popitem(last=False)
    return value


def clear_local() -> None:
    """Forget this process's copies (tests; Redis keeps its own)."""
    with _lock:
        _local.clear()
