"""Rate limits for anonymous readers of the site's pages, as the API has (``governance.api.throttling``).

Every page request of an anonymous client counts against its address (``icsmap.client_ip``),
``PAGE_ANON_THROTTLE_RATE`` of them (e.g. "300/min"; None: no limit), counted in the default cache
(shared by every worker with REDIS_URL; with the cache server down, not counted: it fails open).
Cached pages count too: the throttle runs before the page cache. Over the rate, the answer is a
429 page that says, in words, when to come back. Signed-in editors are not counted.
"""

import math

from django.conf import settings
from django.shortcuts import render

from governance.api.throttling import AnonThrottle


class PageThrottle(AnonThrottle):
    """At most ``PAGE_ANON_THROTTLE_RATE`` page requests per anonymous client address."""

    scope = "pages"

    def get_rate(self):
        return getattr(settings, "PAGE_ANON_THROTTLE_RATE", None)


def _in_words(seconds: float) -> str:
    seconds = max(1, math.ceil(seconds))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class ThrottlePages:
    """Middleware: the site's pages (the ``governance`` URLs: not the API, admin or static files), per client."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        match = request.resolver_match
        if match is None or match.app_name != "governance" or settings.PAGE_ANON_THROTTLE_RATE is None:
            return None
        throttle = PageThrottle()
        if throttle.allow_request(request, view):
            return None
        wait = throttle.wait() or 1
        response = render(request, "governance/too_many_requests.html", {"wait": _in_words(wait)}, status=429)
        response["Retry-After"] = str(math.ceil(wait))
        return response
