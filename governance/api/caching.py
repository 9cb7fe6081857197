"""HTTP caching of reads (ETag, Last-Modified, Cache-Control) and the other formats' edges.

Every read's validators come from ``governance.caching.versioning``: the data version (bumped by
every write) and today's date (answers default to today). They are read after
authentication and throttling but before the view loads anything, so a revalidation
that matches is a 304 after one query.

The ETag is ``"<version key>-<yyyymmdd>-<format>"``: the same URL in CSV and JSON are
two representations, and the version's key (its counter and when it moved) means a
restored database never revalidates an answer of an older life of the same counter.
Last-Modified is the later of the last write and today's midnight,
because an answer "as of today" changes at midnight without any write. Both are
weak in one way worth knowing: HTTP dates have one-second resolution, so a client that
revalidates with If-Modified-Since alone may miss a second write in the same second as
the one it saw (If-None-Match, which takes precedence, never does).
"""

import functools

from django.conf import settings
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.renderers import JSONRenderer

from governance.api import answer_cache
from governance.caching import pages as page_cache
from governance.caching import versioning
from governance.caching.versioning import last_modified

READS = ("GET", "HEAD")
CACHEABLE_FORMATS = {"json", "csv", "yaml"}  # not the browsable API: it shows who is signed in
NON_JSON_FORMATS = {"csv", "yaml"}


class _Answered(Exception):
    """Raised from ``initial()`` to answer at once (304, or 412 for a failed If-Match)."""

    def __init__(self, response):
        super().__init__(response.status_code)
        self.response = response


def etag(version: versioning.Version, fmt: str) -> str:
    return f'"{version.key}-{timezone.localdate():%Y%m%d}-{fmt}"'


class ApiView:
    """Mixin for every API view: conditional reads, cache headers, CSV filenames, JSON errors."""

    data_version: versioning.Version | None = None
    csv_filename = "export.csv"

    def dispatch(self, request, *args, **kwargs):
        # An anonymous read answered before is answered again without DRF (answer_cache).
        replayed = answer_cache.replay(request, self)
        return replayed if replayed is not None else super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        self.data_version = None
        # A method the view does not serve is a 405 with Allow, whatever else the request says: DRF
        # would negotiate first, and answer TRACE …?format=csv with the 404 of an unknown format.
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)  # negotiation, authentication, permissions, throttles
        fmt = getattr(request.accepted_renderer, "format", None)
        if request.method in READS and fmt in CACHEABLE_FORMATS:
            self.data_version = version = page_cache.data_version(request._request)  # before any data, never after
            answer = get_conditional_response(
                request._request,
                etag=etag(version, fmt),
                last_modified=int(last_modified(version).timestamp()),
            )
            if answer is not None:
                raise _Answered(answer)

    def _version(self) -> str:
        """The data version's cache key this request answers from (read in ``initial`` for cacheable formats)."""
        if self.data_version is None:
            self.data_version = page_cache.data_version(self.request._request)
        return self.data_version.key

    def handle_exception(self, exc):
        if isinstance(exc, _Answered):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        renderer = getattr(request, "accepted_renderer", None)
        is_json_only = response.status_code >= 400 or request.method == "OPTIONS"
        if is_json_only and (renderer is None or renderer.format in NON_JSON_FORMATS):
            # An error is a JSON object with a message, whatever format was asked for (or if the
            # format itself was the error); so is OPTIONS's description of the view, which is no
            # table or governance file.
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        version = self.data_version
        if version is not None and response.status_code in (200, 304):
            response["ETag"] = etag(version, request.accepted_renderer.format)
            response["Last-Modified"] = http_date(last_modified(version).timestamp())
            patch_cache_control(response, public=True, max_age=getattr(settings, "API_CACHE_MAX_AGE", 60))
            answer_key = answer_cache.key(request._request) if response.status_code == 200 else None
            if answer_key:
                response.add_post_render_callback(functools.partial(page_cache.keep, answer_key))
        if response.status_code == 200 and getattr(request.accepted_renderer, "format", None) == "csv":
            response["Content-Disposition"] = f'attachment; filename="{self.get_csv_filename()}"'
        return response

    def get_csv_filename(self) -> str:
        return self.csv_filename
