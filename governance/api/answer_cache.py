"""API answers for anonymous readers, kept until the data changes.

A read's answer is a function of its URL, its Accept header, the day and the data
version: its ETag says so already (``caching``). So an anonymous client's read that has
been answered before is answered again from the pages cache (``governance.caching.pages``),
before DRF negotiates, authenticates, runs the view and renders: on a cached path, that
machinery cost three times the answer itself. Throttling still counts every request.

Only requests without credentials are kept or replayed (no Authorization header, no
session cookie): anyone signed in goes through DRF, as do writes and the browsable API.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import parse_http_date_safe

from governance.caching import pages

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
    return "api:" + pages.key(request, request.META.get("HTTP_ACCEPT", ""))


def replay(request, view) -> HttpResponse | None:
    """The kept answer to ``request`` (a 304 if the client has it), or None to ask DRF.

    ``view``'s throttles count the request as DRF would; a request they refuse goes on to
    DRF, which refuses it again with its own 429.
    """
    answer_key = key(request)
    kept = pages.stored(answer_key) if answer_key else None
    if kept is None or not all(throttle.allow_request(request, view) for throttle in view.get_throttles()):
        return None
    etag, modified = kept.get("ETag"), parse_http_date_safe(kept.get("Last-Modified", ""))
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        response = kept
    else:
        for name, value in kept.items():
            if name.lower() not in BODY_HEADERS:
                response[name] = value
    # DRF's session authentication looks at the session, so SessionMiddleware adds Cookie to
    # Vary; a replay does not look, and says the same so that both answers are alike.
    patch_vary_headers(response, ("Cookie",))
    return response
