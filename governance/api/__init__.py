"""icsmap's REST API, mounted under ``/api/v1/``.

Thin by design: views and serializers shape requests and responses. The
representation path comes from ``governance.reading.paths``; writes go through
``governance.domain.seating`` and ``governance.domain.tree`` (the admin's and the loader's
way, checked by ``governance.domain.rules`` under the same locks); exports come from
``governance.governance_file.write`` and ``governance.reading.popolo``; ETags from
``governance.caching.versioning``.
"""
