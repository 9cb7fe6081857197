"""The cache server (Redis) as something that can only make answers faster, never fail them.

Everything icsmap keeps in Redis can be recomputed or forgotten: stored pages and API answers
(a miss: the page is rendered), throttle counts (none: the request is let through), the
suggestions' hourly counts (likewise). So when the server is down or unreachable, every
cache operation *fails open*: a read is a miss, a write is dropped. This backend is the one
place that catches the Redis client's connection errors; every reader of ``caches[...]``
gets the fail-open behaviour without knowing.

The outage is logged once (a warning as it starts, and a line when the server answers again),
not once per request; and for ``RETRY_AFTER`` seconds after a failure the server is not asked
at all, so that an unreachable host (whose connect waits for its timeout) slows no request
more than once in that time.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# After a failure, how long every operation answers as if the server were empty, without asking it.
RETRY_AFTER = 2.0
FAULTS = (RedisConnectionError, RedisTimeoutError, OSError)


class _MissingKey(ValueError):
    """What ``incr`` raises while the server is down: callers already treat a missing key so."""


def _fail_open_answer(method: str, args: tuple, kwargs: dict):
    """What a client method answers while the server is down: what an empty cache would."""
    if method == "get":
        return kwargs.get("default", args[1] if len(args) > 1 else None)
    if method == "get_many":
        return {}
    if method == "incr":
        raise _MissingKey("the cache server is down")
    if method in ("add", "touch", "delete", "has_key", "clear"):
        return False
    return None  # set, set_many, delete_many


class _Outage:
    """Whether the server is believed down, shared by every cache of this process (they share the server)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.down_until = 0.0
        self.down = False

    def skipping(self) -> bool:
        return self.down and time.monotonic() < self.down_until

    def failed(self, error: Exception) -> None:
        with self._lock:
            if not self.down:
                logger.warning("The cache server is down (%s): answering without it until it is back.", error)
            self.down = True
            self.down_until = time.monotonic() + RETRY_AFTER

    def answered(self) -> None:
        if self.down:
            with self._lock:
                if self.down:
                    logger.warning("The cache server answers again.")
                self.down = False


outage = _Outage()


class _FailOpenClient:
    """Django's Redis client, each of whose operations answers as an empty cache would when the server fails."""

    def __init__(self, client):
        self._client = client

    def __getattr__(self, method: str):
        operation = getattr(self._client, method)
        if not callable(operation):
            return operation

        def fail_open(*args, **kwargs):
            if outage.skipping():
                return _fail_open_answer(method, args, kwargs)
            try:
                answer = operation(*args, **kwargs)
            except FAULTS as error:
                outage.failed(error)
                return _fail_open_answer(method, args, kwargs)
            outage.answered()
            return answer

        return fail_open


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache backend, failing open (see the module's docstring)."""

    @property
    def _cache(self):
        client = self.__dict__.get("_fail_open_client")
        if client is None:
            client = self.__dict__["_fail_open_client"] = _FailOpenClient(super()._cache)
        return client

    def is_up(self) -> bool:
        """Whether the server answers a ping (``/healthz``); within ``RETRY_AFTER`` of a failure, not asked again."""
        if outage.skipping():
            return False
        try:
            self._cache._client.get_client(write=False).ping()
        except FAULTS as error:
            outage.failed(error)
            return False
        outage.answered()
        return True
