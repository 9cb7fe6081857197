"""gunicorn's settings for icsmap (read from the working directory: ``gunicorn icsmap.wsgi``).

Each worker, once it has loaded the app and before it takes a request, reads England's
structure and every system's graphs (``governance.caching.warm``): a worker's first
answer would otherwise wait about 200 ms for them.
"""


def post_worker_init(worker):
    """Warm the worker's memos before its first request."""
    from governance import caching

    caching.warm()
