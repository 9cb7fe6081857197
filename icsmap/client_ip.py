"""The address a request came from, for django-axes' login lockout.

Behind reverse proxies REMOTE_ADDR is the nearest proxy, so every client would share one
lockout. Each trusted proxy appends the address it received from to X-Forwarded-For, so
with ``TRUSTED_PROXY_COUNT`` = N the client is the N-th entry from the right; anything
further left was written by the client and could be forged.
"""

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address: from X-Forwarded-For behind trusted proxies, else REMOTE_ADDR."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies > 0 and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
