"""The portal's cache keeps one redis-py client per connection pool (core.cache): Django built a new
`redis.Redis` on every cache call. The shared client still reads and writes, and follows a pool that
Django replaced (a new pool gets a new client)."""

from django.core.cache import cache


def test_one_client_per_pool_and_it_works():
    backend = cache._cache
    first = backend.get_client("a")
    assert backend.get_client("b") is first
    assert backend.get_client("c", write=True) is first  # one server: reads and writes share its pool
    cache.set("tests:cache-client", {"n": 1}, 30)
    assert cache.get("tests:cache-client") == {"n": 1}
    cache.delete("tests:cache-client")
    assert cache.get("tests:cache-client") is None


def test_a_new_pool_gets_a_new_client():
    backend = cache._cache
    old = backend.get_client()
    backend._pools.clear()  # as if Django rebuilt its pools
    new = backend.get_client()
    assert new is not old and new.connection_pool is backend._pools[0]
    assert cache.add("tests:cache-client-2", 1, 30) and cache.get("tests:cache-client-2") == 1
    cache.delete("tests:cache-client-2")
