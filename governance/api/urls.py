"""The API's URLs: version 1 under ``v1/``, the OpenAPI schema and its Swagger UI (served locally)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from governance.api import views

app_name = "api"

router = DefaultRouter()
router.include_format_suffixes = False  # codes are looked up whole; "x.json" is not a format
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("seats", views.SeatViewSet, basename="seat")
router.register("people", views.PersonViewSet, basename="person")
router.register("appointments", views.AppointmentViewSet, basename="appointment")
router.register("systems", views.SystemViewSet, basename="system")

urlpatterns = [
    path("v1/paths/", views.PathListView.as_view(), name="paths"),
    path("v1/changes/", views.ChangesView.as_view(), name="changes"),
    path("v1/", include(router.urls)),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    # The split view serves its start-up script as a file (?script): no inline script for the CSP to allow.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
