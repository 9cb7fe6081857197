"""Rate limits for anonymous API clients.

DRF's ``AnonRateThrottle`` reads its rates once, when the class is defined, so tests
could not change them; this one reads ``settings.API_ANON_THROTTLE_RATE`` on each request
(None: no limit). Clients are told apart as the admin's login lockout tells them apart
(``icsmap.client_ip``): behind ``TRUSTED_PROXY_COUNT`` proxies, by the address those
proxies saw, never by an X-Forwarded-For the client could forge.
"""

from django.conf import settings
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from icsmap.client_ip import client_ip


class AnonThrottle(AnonRateThrottle):
    """At most ``API_ANON_THROTTLE_RATE`` requests (e.g. "120/min") per anonymous client address."""

    def __init__(self):
        # Not super().__init__(): that looks the rate up in DRF's class-level table.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_rate(self):
        return getattr(settings, "API_ANON_THROTTLE_RATE", None)

    def get_ident(self, request):
        return client_ip(request) or ""


class WrongTokenThrottle(SimpleRateThrottle):
    """Counts the wrong API tokens a client address sends: at most ``API_TOKEN_FAILURE_RATE`` (e.g. "20/min")."""

    scope = "wrong_token"

    def __init__(self):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_rate(self):
        return getattr(settings, "API_TOKEN_FAILURE_RATE", None)

    def get_cache_key(self, request, view):
        # Not the user: this runs while DRF is still finding out who the user is.
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or ""}

    def over(self, request) -> bool:
        """Whether this address has sent its quota of wrong tokens (without counting this request)."""
        if self.rate is None:
            return False
        self.key = self.get_cache_key(request, None)
        self.now = self.timer()
        self.history = [moment for moment in self.cache.get(self.key, []) if moment > self.now - self.duration]
        return len(self.history) >= self.num_requests


class CountedTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, with wrong tokens counted per client address: past
    ``API_TOKEN_FAILURE_RATE``, every request of that address carrying a token is a 429 until the
    window passes (right tokens included, so that guessing cannot go on at full speed)."""

    def authenticate(self, request):
        if "HTTP_AUTHORIZATION" not in request.META:
            return None
        throttle = WrongTokenThrottle()
        if throttle.over(request):
            raise Throttled(throttle.wait(), detail="Too many wrong API tokens from this address.")
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            if throttle.rate is not None:
                throttle.throttle_success()  # records this failure in the address's history
            raise
