"""API answers for anonymous readers, kept until the data changes.

A read's answer is a function of its URL, its Accept header, the day and the data
version: its ETag says so already (``caching``). So an anonymous client's read that has
been answered before is answered again from the pages cache (``governance.caching.pages``),
before DRF negotiates, authenticates, runs the view and renders: on a cached path, that
machinery cost three times the answer itself. Throttling still counts every request.

Only requests without credentials are kept or replayed (no Authorization header, no
session cookie): anyone signed in goes through DRF, as do writes and the browsable API.
"""

import hashlib
import zlib

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import parse_http_date_safe

from governance.caching import pages as page_cache

READS = ("GET", "HEAD")
# Headers that describe a body: a 304 leaves them out.
BODY_HEADERS = {"content-type", "content-length", "content-disposition", "link"}


def key(request) -> str | None:
    """The cache key of this request's answer, or None if it must go through DRF."""
    if (
        request.method not in READS
        or "HTTP_AUTHORIZATION" in request.META
        or settings.SESSION_COOKIE_NAME in request.COOKIES
    ):
        return None
    version = page_cache.data_version(request)
    accept = request.META.get("HTTP_ACCEPT", "")
    raw = f"{version.counter}|{timezone.localdate():%Y%m%d}|{accept}|{request.build_absolute_uri()}"
    return "api:" + hashlib.sha256(raw.encode()).hexdigest()


def replay(request, view) -> HttpResponse | None:
    """The kept answer to ``request`` (a 304 if the client has it), or None to ask DRF.

    ``view``'s throttles count the request as DRF would; a request they refuse goes on to
    DRF, which refuses it again with its own 429.
    """
    answer_key = key(request)
    stored = caches[page_cache.CACHE].get(answer_key) if answer_key else None
    if stored is None or not all(throttle.allow_request(request, view) for throttle in view.get_throttles()):
        return None
    headers, body = stored
    etag, modified = headers.get("ETag"), parse_http_date_safe(headers.get("Last-Modified", ""))
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        response = HttpResponse(zlib.decompress(body), headers=headers)
    else:
        for name, value in headers.items():
            if name.lower() not in BODY_HEADERS:
                response[name] = value
    # DRF's session authentication looks at the session, so SessionMiddleware adds Cookie to
    # Vary; a replay does not look, and says the same so that both answers are alike.
    patch_vary_headers(response, ("Cookie",))
    return response


def keep(answer_key: str, response) -> None:
    """Store a rendered 200 answer under ``answer_key`` (a post-render callback)."""
    headers = {name: value for name, value in response.headers.items() if name.lower() != "content-length"}
    caches[page_cache.CACHE].set(answer_key, (headers, zlib.compress(response.content, 1)))
