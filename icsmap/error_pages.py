"""The site's own 404 and 500 pages in every mode, DEBUG included.

With DEBUG on (the default of the local quick start) Django answers an unknown code or
address with its debug 404 and a crash with its debug 500, so a newcomer never sees the
site's pages. This middleware answers with the site's handlers (``handler404`` and
``handler500`` in ``icsmap/urls.py``: a page, or JSON under /api/) instead; a crash's
traceback still goes to the console through the ``django.request`` logger, as with DEBUG off.
With DEBUG off it does nothing: Django already uses the handlers.
"""

import logging
import sys

from django.conf import settings
from django.http import Http404
from django.urls import get_resolver

logger = logging.getLogger("django.request")


class SiteErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            # No URL matched: Django's debug page would list the URL patterns instead of ours.
            return get_resolver().resolve_error_handler(404)(request, Http404())
        return response

    def process_exception(self, request, exception):
        """A view's Http404 or crash, answered by the site's handler rather than Django's debug page."""
        if not settings.DEBUG:
            return None
        if isinstance(exception, Http404):
            return get_resolver().resolve_error_handler(404)(request, exception)
        if isinstance(exception, Exception) and not _handled_elsewhere(exception):
            logger.error("Internal Server Error: %s", request.path, exc_info=sys.exc_info(), extra={"request": request})
            return get_resolver().resolve_error_handler(500)(request)
        return None


def _handled_elsewhere(exception) -> bool:
    """Exceptions Django turns into their own 4xx answers (permission denied, bad request…)."""
    from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation

    return isinstance(exception, (BadRequest, PermissionDenied, SuspiciousOperation))
