"""A fixed-window counter per client address, in the cache: for public pages that cost real work per
request (the signature-verification page validates certificate chains)."""

import logging

from django.core.cache import cache

from core import http

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    # The client behind the trusted proxies (core.http), not the load balancer everyone shares.
    return http.client_ip(request) or ""


def allow(request, scope: str, *, limit: int, window_seconds: int) -> bool:
    """Count one request of `scope` from this client; False once more than `limit` in the window.
    With the cache unreachable the request is allowed: a public page that only reads must keep
    answering when Redis fails (issue 9), and the other limits (body size, signatures) still hold."""
    key = f"ratelimit:{scope}:{client_address(request)}"
    try:
        cache.add(key, 0, timeout=window_seconds)
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr: a new window
        cache.set(key, 1, timeout=window_seconds)
        return True
    except Exception:  # noqa: BLE001 - any cache failure: see the docstring
        logger.warning("rate limit %s not counted: cache unavailable", scope)
        return True
