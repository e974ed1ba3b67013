"""Fixed-window rate limits per client address, counted in the cache (Redis in production).

Limits are named and configured in settings.RATE_LIMITS, e.g. {"track": "30/m"}. The client address
is REMOTE_ADDR: behind a reverse proxy, the proxy must set it (gunicorn's --forwarded-allow-ips with
the proxy's address, or the proxy speaking the PROXY protocol); never trust X-Forwarded-For here,
a client can write anything into it.

When the shared cache (Redis) cannot be reached, counting falls back to a counter in this process's
memory and logs it (at most once a minute): the limit then holds per process instead of for the
whole site, which is weaker but never turns a citizen's filing or look-up into an error.
"""

import hashlib
import logging
import threading
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
ALL_METHODS = None

logger = logging.getLogger(__name__)


def parse_rate(rate: str) -> tuple[int, int]:
    """ "10/h" → (10, 3600); "5/15m" → (5, 900)."""
    count, _sep, period = rate.partition("/")
    period = period.strip().lower()
    digits = "".join(c for c in period if c.isdigit())
    unit = period[len(digits) :][:1]
    if unit not in PERIODS or not count.strip().isdigit():
        raise ValueError(f"Invalid rate {rate!r}: expected e.g. '10/h', '30/m' or '5/15m'")
    return int(count), int(digits or 1) * PERIODS[unit]


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


class _LocalCounter:
    """The fallback counter: per process, fixed windows, old windows dropped as they pass."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int]] = {}  # cache key -> (count, expires at)
        self._last_warning = 0.0

    def incr(self, cache_key: str, period: int, *, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            if len(self._counts) > 10000:
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            count, expires = self._counts.get(cache_key, (0, now + period + 1))
            count += amount
            self._counts[cache_key] = (count, expires)
            return count

    def warn(self, exc: Exception) -> None:
        now = time.time()
        if now - self._last_warning >= 60:
            self._last_warning = now
            logger.warning("Rate-limit cache unreachable (%s); counting per process until it is back.", exc)


local_counter = _LocalCounter()


def _window(key: str, ident: str) -> tuple[str, int, int, int] | None:
    rate = settings.RATE_LIMITS.get(key)
    if not rate:
        return None
    limit, period = parse_rate(rate)
    now = int(time.time())
    window = now - now % period
    namespace = getattr(settings, "RATE_LIMIT_NAMESPACE", "")
    # The identity is hashed: usernames and tracking codes come from the client (any characters,
    # any length) and have no business being readable in Redis.
    digest = hashlib.sha256(ident.encode("utf-8", "replace")).hexdigest()[:32]
    return f"rl:{namespace}:{key}:{digest}:{window}", limit, period, window + period - now


def _redis_count(cache_key: str, period: int, amount: int) -> int | None:
    """The counter through the Redis client behind Django's cache, in one round trip (MULTI/EXEC: the
    count and, for a new counter only, its expiry); None when the cache is not Redis (development)."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    key = backend.make_and_validate_key(cache_key)
    # One client per cache backend (per thread): redis-py builds ~200 response callbacks per client,
    # a fifth of a millisecond that Django's cache methods spend on every call.
    client = getattr(backend, "_ratelimit_client", None)
    if client is None:
        client = backend._ratelimit_client = backend._cache.get_client(key, write=True)
    if not amount:
        return int(client.get(key) or 0)
    pipe = client.pipeline(transaction=True)
    pipe.incrby(key, amount).expire(key, period + 1, nx=True)
    return int(pipe.execute()[0])


def _count(cache_key: str, period: int, *, amount: int = 1) -> int:
    """Add `amount` to the window's counter (0 reads it) and return the new value."""
    try:
        counted = _redis_count(cache_key, period, amount)
        if counted is not None:
            return counted
        # Other caches: add() is atomic: only the first request of the window creates the counter.
        cache.add(cache_key, 0, timeout=period + 1)
        if not amount:
            return int(cache.get(cache_key) or 0)
        try:
            return cache.incr(cache_key, amount)
        except ValueError:  # the counter expired between add() and incr()
            cache.add(cache_key, amount, timeout=period + 1)
            return amount
    except Exception as exc:  # Redis down or unreachable: never fail the request because of it
        local_counter.warn(exc)
        return local_counter.incr(cache_key, period, amount=amount)


def hit(key: str, ident: str) -> tuple[bool, int]:
    """Count one request; return (allowed, seconds until the window ends)."""
    window = _window(key, ident)
    if window is None:
        return True, 0
    cache_key, limit, period, retry_after = window
    return _count(cache_key, period) <= limit, retry_after


def exceeded(key: str, ident: str) -> tuple[bool, int]:
    """Whether the limit is already used up, without counting: (exceeded, seconds until the window ends)."""
    window = _window(key, ident)
    if window is None:
        return False, 0
    cache_key, limit, period, retry_after = window
    return _count(cache_key, period, amount=0) >= limit, retry_after


def failure_guarded(request, *, key: str, ident: str, lookup):
    """(result or None, refusal or None): run `lookup` unless `ident` has used up its failures.

    For secrets checked per object (a tracking code's access key): failures are counted per object
    from every address, so a key cannot be guessed by spreading attempts over many addresses. Call
    it for unknown objects too, so a refusal tells nothing about whether the object exists.
    """
    blocked, retry_after = exceeded(key, ident)
    if blocked:
        return None, too_many_requests(request, retry_after)
    result = lookup()
    if result is None:
        hit(key, ident)
    return result, None


def too_many_requests(request, retry_after: int):
    message = _("Too many requests from your address. Please wait %(minutes)d minute(s) and try again.") % {
        "minutes": max(1, -(-retry_after // 60))
    }
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(max(1, retry_after))
    return response


def ratelimit(*, key: str, methods: tuple[str, ...] | None = ("POST",)):
    """Limit a view by client address; only requests with one of `methods` are counted
    (ALL_METHODS, i.e. None, counts every request; "GET" implies "HEAD", which Django answers alike).

    Usage: @ratelimit(key="booking") on a function view, or ratelimit(key="track", methods=ALL_METHODS)
    around SomeApiView.as_view() in urls.
    """
    counted = None if methods is None else {*methods, *(("HEAD",) if "GET" in methods else ())}

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if counted is None or request.method in counted:
                allowed, retry_after = hit(key, client_address(request))
                if not allowed:
                    return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
