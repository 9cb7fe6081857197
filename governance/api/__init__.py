"""icsmap's REST API, mounted under ``/api/v1/``.

Thin by design: views and serializers shape requests and responses. The
representation path comes from ``governance.reading.paths``; writes go through ``writes``
(checked by ``governance.domain.rules``, under the same locks as the admin and the loader);
exports come from ``governance.reading.export``; ETags from ``governance.caching.versioning``.
"""
