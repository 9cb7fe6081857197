from django.contrib import admin
from django.urls import include, path

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("governance.api.urls")),
    path("", include("governance.pages.urls")),
]

# Errors outside DRF (unmatched URLs, requests refused before a view, crashes) answer JSON
# under /api/, like the API's own errors; the site's pages elsewhere.
handler400 = "governance.api.errors.bad_request"
handler403 = "governance.api.errors.permission_denied"
handler404 = "governance.api.errors.not_found"
handler500 = "governance.api.errors.server_error"
