"""A liveness check for load balancers: answers without touching the database."""

from django.http import HttpResponse


def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain")
