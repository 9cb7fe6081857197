"""The OpenAPI schema itself (``/api/schema/``), whose errors are JSON like every other API answer."""

from drf_spectacular.views import SpectacularAPIView
from rest_framework.renderers import JSONRenderer


class SchemaView(SpectacularAPIView):
    """drf-spectacular's schema view; a refusal (an unknown ``?format=``, a bad ``?lang=``) answers JSON.

    Without this, the refusal is written by the schema's own renderer (YAML labelled as an OpenAPI
    document), which a client reading the API's errors cannot tell from a schema.
    """

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
