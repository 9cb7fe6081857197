"""A read whose database connection dropped under it is answered again, once, on a new connection.

``CONN_HEALTH_CHECKS`` replaces a kept connection found dead before a request uses it; this covers
the connection that drops *during* a request (the server restarted, a failover, a proxy's idle
cut). Only reads are tried again (GET and HEAD change nothing, so running one twice is safe), only
outside a transaction (a transaction's work would be lost with its connection), and only once.
"""

import logging

from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)

READS = ("GET", "HEAD")


class RetryDroppedReads:
    """Middleware: a GET or HEAD that failed on a dropped database connection is answered again once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "_database_dropped", False) and not getattr(request, "_database_retried", False):
            request._database_retried = True
            request._database_dropped = False
            logger.warning("The database connection dropped during %s; answering it again.", request.path)
            connection.close()  # the next query opens a new connection
            response = self.get_response(request)
        return response

    def process_exception(self, request, exception):
        if (
            request.method in READS
            and isinstance(exception, OperationalError | InterfaceError)
            and not connection.in_atomic_block
            and not getattr(request, "_database_retried", False)
        ):
            request._database_dropped = True
        return None  # Django answers this attempt with its 500; __call__ replaces it
