"""``/healthz``: what a load balancer asks — is this server able to answer, and what is down.

Cheap on purpose (a load balancer asks every few seconds): one ``SELECT 1`` and one ping of the
cache server, nothing read from the tables. The body says, one line each, what is up and what is
down; the status is what a load balancer acts on:

- 200 ``ok``: the database and the cache answer;
- 200 ``degraded``: the cache server is down: pages and the API still answer (the cache fails
  open, ``governance.caching.cache_server``), only slower, so taking this server out of the pool
  would not help (every server shares the cache);
- 503 ``down``: the database does not answer: no page can be drawn, send the traffic elsewhere.
"""

from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpResponse


def database_is_up() -> bool:
    """Whether the database answers ``SELECT 1`` (a kept connection is checked first: CONN_HEALTH_CHECKS)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def cache_is_up() -> bool:
    """Whether the cache server answers; a cache kept in this process always does."""
    is_up = getattr(caches["default"], "is_up", None)
    return True if is_up is None else is_up()


def healthz(request):
    database, cache = database_is_up(), cache_is_up()
    overall = "down" if not database else "ok" if cache else "degraded"
    lines = [overall, f"database: {'ok' if database else 'down'}", f"cache: {'ok' if cache else 'down'}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain", status=200 if database else 503)
