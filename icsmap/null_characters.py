"""Refuse a NUL character in a URL's path or query before any view sees it.

PostgreSQL cannot hold NUL in text, so a lookup by a code or a search term containing one
fails in the database (a 500), while SQLite just finds nothing. No code, date or search
term contains NUL, so the request is refused here, once, whatever the view: a NUL in a
page's path names nothing (404); a NUL in a query parameter is a malformed request (400,
JSON under /api/ like every API error, the bad-request page elsewhere).

API paths are left to the API: its lookups (DRF's ``get_object_or_404``) already take the
database's refusal for "not found" and answer a JSON 404 in the resource's own words.
"""

from django.http import Http404, JsonResponse
from django.shortcuts import render

from governance.api.errors import is_api

NUL = "\x00"
MESSAGE = "Null characters are not allowed."  # as django-filter says it for the API's filters


def first_parameter_with_nul(query) -> str | None:
    """The name of the first query parameter whose name or a value holds NUL, or None."""
    for name, values in query.lists():
        if NUL in name or any(NUL in value for value in values):
            return name.replace(NUL, "")
    return None


class RefuseNullCharacters:
    """Middleware: 404 for a NUL in a page's path, 400 naming the parameter for a NUL in any query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path and not is_api(request):
            raise Http404("No page has that address.")
        name = first_parameter_with_nul(request.GET)
        if name is not None:
            if is_api(request):
                return JsonResponse({name: [MESSAGE]}, status=400)
            message = f"The address has a null character in “{name}”: remove it and try again."
            return render(request, "governance/bad_request.html", {"message": message, "date_form": False}, status=400)
        return self.get_response(request)
