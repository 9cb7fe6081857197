"""The Content-Security-Policy of the site (django-csp), and the one exception the admin needs.

Every page, the API and its docs get ``CONTENT_SECURITY_POLICY`` (settings): scripts, styles,
fonts and requests from this site only, images also as ``data:`` URLs, no plugins, no
framing, no ``<base>``, forms posting here only. No inline script or style is allowed
anywhere: the site's own are static files.

The admin's organisation tree (django-mptt's DraggableMPTTAdmin) indents each row with a
``style="text-indent: …"`` attribute, so /admin/ also allows inline style *attributes*
(``style-src-attr 'unsafe-inline'``): never a ``<style>`` element, never inline script.
"""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

ADMIN_PREFIX = "/admin/"
ADMIN_EXTRA = {"style-src-attr": [UNSAFE_INLINE]}


class SitePolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with inline style attributes allowed under /admin/ only."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIX):
            parts.replace = {**ADMIN_EXTRA, **(parts.replace or {})}
        return parts
