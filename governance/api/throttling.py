"""Rate limits for anonymous API clients.

DRF's ``AnonRateThrottle`` reads its rates once, when the class is defined, so tests
could not change them; this one reads ``settings.API_ANON_THROTTLE_RATE`` on each request
(None: no limit). Clients are told apart as the admin's login lockout tells them apart
(``icsmap.client_ip``): behind ``TRUSTED_PROXY_COUNT`` proxies, by the address those
proxies saw, never by an X-Forwarded-For the client could forge.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

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
