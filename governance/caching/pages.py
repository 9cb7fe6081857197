"""Rendered pages, reused for anonymous readers until the data changes.

A page depends only on its URL, the day (pages default to "as of today") and the data
(``governance.caching.versioning``, bumped by every committed write), so that triple is the
cache key: a stale page is not served once this process knows of the bump (at once for
its own, within ``versioning.MAX_AGE`` for another process's); it just stops being asked
for. Signed-in users are never served from the cache, and nothing is stored for them. Pages are
stored compressed in the ``pages`` cache (per process, or Redis with REDIS_URL), and
carry an ETag so a browser's revalidation is a 304.
"""

import functools
import hashlib
import zlib

from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

from governance.caching import versioning

CACHE = "pages"


def data_version(request) -> versioning.Version:
    """The data version this request answers from, read once however many ask."""
    if not hasattr(request, "_data_version"):
        request._data_version = versioning.latest()
    return request._data_version


def _key(request, version: versioning.Version) -> tuple[str, str]:
    digest = hashlib.sha256(
        f"{version.counter}|{timezone.localdate():%Y%m%d}|{request.get_full_path()}".encode()
    ).hexdigest()
    return f"page:{digest}", f'"{digest[:32]}"'


def cached_page(view):
    """Serve ``view``'s successful GET answers to anonymous readers from the page cache."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key, etag = _key(request, data_version(request))
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            return not_modified
        stored = caches[CACHE].get(key)
        if stored is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            caches[CACHE].set(key, (response["Content-Type"], zlib.compress(response.content, 1)))
        else:
            content_type, body = stored
            response = HttpResponse(zlib.decompress(body), content_type=content_type)
        response["ETag"] = etag
        patch_cache_control(response, no_cache=True)  # browsers revalidate: a 304 while nothing changed
        return response

    return wrapper
