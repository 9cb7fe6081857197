"""Rendered pages and API answers, reused for anonymous readers until the data changes.

An answer depends only on its URL (and, for the API, its Accept header), the day
(answers default to "as of today") and the data (``governance.caching.versioning``,
bumped by every committed write), so those are its cache key: a stale answer is not
served once this process knows of the bump (at once for its own, within
``versioning.MAX_AGE`` for another process's); it just stops being asked for. Signed-in
users are never served from the cache, and nothing is stored for them. Answers are
stored compressed in the ``pages`` cache (per process, or Redis with REDIS_URL).
Pages (and feeds) carry an ETag and a Last-Modified (``versioning.last_modified``) so a
reader's revalidation is a 304; the API's replay is in
``governance.api.answer_cache``.
"""

import functools
import hashlib
import zlib

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from governance.caching import versioning

CACHE = "pages"


def data_version(request) -> versioning.Version:
    """The data version this request answers from, read once however many ask."""
    if not hasattr(request, "_data_version"):
        request._data_version = versioning.latest()
    return request._data_version


def key(request, *also: str) -> str:
    """The cache key of ``request``'s answer: its data version, the day, ``also`` and its URL."""
    raw = "|".join((data_version(request).key, f"{timezone.localdate():%Y%m%d}", *also, request.build_absolute_uri()))
    return hashlib.sha256(raw.encode()).hexdigest()


def stored(answer_key: str) -> HttpResponse | None:
    """The answer kept under ``answer_key``, header for header, or None."""
    kept = caches[CACHE].get(answer_key)
    if kept is None:
        return None
    headers, body = kept
    return HttpResponse(zlib.decompress(body), headers=headers)


def keep(answer_key: str, response) -> None:
    """Keep a rendered answer under ``answer_key`` (compressed: 1-3 KB each), unless it is larger
    than ``PAGE_CACHE_MAX_BYTES`` compressed: the cache's size is bounded by entries and bytes."""
    body = zlib.compress(response.content, 1)
    if len(body) > settings.PAGE_CACHE_MAX_BYTES:
        return
    headers = {name: value for name, value in response.headers.items() if name.lower() != "content-length"}
    caches[CACHE].set(answer_key, (headers, body))


def cached_page(view):
    """Serve ``view``'s successful GET answers to anonymous readers from the page cache."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        page_key = key(request)
        etag = f'"{page_key[:32]}"'
        modified = versioning.last_modified(data_version(request)).timestamp()
        not_modified = get_conditional_response(request, etag=etag, last_modified=int(modified))
        if not_modified is not None:
            return not_modified
        response = stored(page_key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            keep(page_key, response)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(modified)
        patch_cache_control(response, no_cache=True)  # browsers revalidate: a 304 while nothing changed
        return response

    return wrapper
