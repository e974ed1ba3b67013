"""Fixed-window rate limits per client address, counted in the cache (Redis in production).

Limits are named and configured in settings.RATE_LIMITS, e.g. {"track": "30/m"}. The client address
is REMOTE_ADDR: behind a reverse proxy, the proxy must set it (gunicorn's --forwarded-allow-ips with
the proxy's address, or the proxy speaking the PROXY protocol); never trust X-Forwarded-For here,
a client can write anything into it.
"""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


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


def hit(key: str, ident: str) -> tuple[bool, int]:
    """Count one request; return (allowed, seconds until the window ends)."""
    rate = settings.RATE_LIMITS.get(key)
    if not rate:
        return True, 0
    limit, period = parse_rate(rate)
    now = int(time.time())
    window = now - now % period
    namespace = getattr(settings, "RATE_LIMIT_NAMESPACE", "")
    cache_key = f"rl:{namespace}:{key}:{ident}:{window}"
    retry_after = window + period - now
    # add() is atomic: only the first request of the window creates the counter.
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the counter expired between add() and incr()
        cache.add(cache_key, 1, timeout=period + 1)
        count = 1
    return count <= limit, retry_after


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


def ratelimit(*, key: str, methods: tuple[str, ...] = ("POST",)):
    """Limit a view by client address; only requests with one of `methods` are counted.

    Usage: @ratelimit(key="booking") on a function view, or ratelimit(key="track", methods=("GET",))
    around SomeApiView.as_view() in urls.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                allowed, retry_after = hit(key, client_address(request))
                if not allowed:
                    return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
