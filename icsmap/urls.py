from django.contrib import admin
from django.urls import include, path

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("governance.api.urls")),
    path("", include("governance.pages.urls")),
]

# Unmatched URLs under /api/ answer JSON, like the API's own 404s.
handler404 = "governance.api.errors.not_found"
