"""gunicorn's settings for icsmap (read from the working directory: ``gunicorn icsmap.wsgi``).

Each worker, once it has loaded the app and before it takes a request, reads England's
structure and every system's graphs (``governance.caching.warm``): a worker's first
answer would otherwise wait about 200 ms for them.
"""


def post_worker_init(worker):
    """Warm the worker's memos before its first request."""
    from governance import caching

    caching.warm()


# Limits gunicorn applies before Django sees a request (its defaults, stated so they are
# known and kept): a request line over 4,094 bytes is answered 414, more than 100 header
# fields or one over 8,190 bytes 400 — by gunicorn itself, as plain text, not the API's
# JSON (no Django code runs). Bodies are bounded by Django (DATA_UPLOAD_MAX_MEMORY_SIZE, 413).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
