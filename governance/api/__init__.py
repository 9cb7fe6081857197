"""icsmap's REST API, mounted under ``/api/v1/``.

Thin by design: views and serializers shape requests and responses. The
representation path comes from ``governance.paths``; writes go through ``writes``
(checked by ``governance.rules``, under the same locks as the admin and the loader);
exports come from ``governance.export``; ETags from ``governance.versioning``.
"""
