"""The read side of icsmap's REST API, mounted under ``/api/v1/``.

Thin by design: views and serializers shape requests and responses; the
representation path comes from ``governance.paths``.
"""
