"""Errors as JSON a person can act on, and their descriptions for the OpenAPI schema.

``PathError`` (unknown organisation, or not open at the date) is a 404 with the
domain's own message; a ``RuleError`` (a write the governance rules refuse) is a 400
with the rule's message, under the field at fault or ``non_field_errors``; a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413; everything else is DRF's usual shape:
``{"detail": ...}`` for 401, 403, 404 and 413, ``{"<parameter or field>": [...]}`` for 400.

Errors that never reach DRF (an unmatched URL, a request Django refuses before the view, a
crash) go to the site's handlers (``handler400`` … ``handler500`` in ``icsmap/urls.py``),
which answer JSON under /api/ too.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views import defaults
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from governance.domain.rules import RuleError
from governance.reading.paths import PathError

# The codes DRF keeps beside the message of a 400 that no OpenAPI schema can state (the answer shows the
# message only): what the request names does not exist, or was not open on the day asked; its parameters
# exclude or need each other; a governance rule refuses the write. Every other 400 is a request the schema
# forbids (tests/api/test_api_schemathesis.py tells them apart by these codes).
NAMES_NOTHING = "does_not_exist"  # DRF's own code for a related field's unknown id or code
NOT_OPEN = "not_open"
CONTRADICTS = "contradicts"
RULE = "rule"
BEYOND_THE_SCHEMA = frozenset({NAMES_NOTHING, NOT_OPEN, CONTRADICTS, RULE})


class BodyTooLarge(APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "body_too_large"


def exception_handler(exc, context):
    """DRF's handler, with the path's domain errors turned into 404s, rule errors into 400s, big bodies into 413s."""
    return drf_exception_handler(as_drf(exc), context)


def as_drf(exc):
    """``exc`` as the DRF exception that answers it (``exc`` itself if DRF answers it as it is)."""
    if isinstance(exc, RequestDataTooBig):
        return BodyTooLarge(
            f"The request body is too large: send at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."
        )
    if isinstance(exc, PathError):
        return NotFound(str(exc))
    if isinstance(exc, RuleError):
        if hasattr(exc, "error_dict"):
            return ValidationError(exc.message_dict, code=RULE)
        return ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.messages}, code=RULE)
    return exc


def beyond_the_schema(exc) -> bool:
    """Whether ``exc`` is a 400 that refuses what no schema can say (``BEYOND_THE_SCHEMA``), not a malformed request."""
    exc = as_drf(exc)
    if not isinstance(exc, ValidationError):
        return False
    codes, pending = set(), [exc.get_codes()]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending += item.values()
        elif isinstance(item, list):
            pending += item
        else:
            codes.add(item)
    return bool(codes) and codes <= BEYOND_THE_SCHEMA


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    """The site's 404 (``handler404``): JSON under /api/, as every other API error is; the page elsewhere.

    An API URL that matches no route (``seats/1.5/``, a typo) never reaches DRF.
    """
    if is_api(request):
        return JsonResponse({"detail": "Not found: no such API URL."}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    """The site's 400 (``handler400``): a request Django refused before any view (a SuspiciousOperation)."""
    if is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    """The site's 403 (``handler403``) for a PermissionDenied raised outside DRF."""
    if is_api(request):
        return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)
    return defaults.permission_denied(request, exception)


def server_error(request):
    """The site's 500 (``handler500``): JSON under /api/, so a client can always parse an answer; never details."""
    if is_api(request):
        return JsonResponse({"detail": "Server error: the fault is ours and has been logged."}, status=500)
    return defaults.server_error(request)


ERROR_DETAIL = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})

NOT_FOUND = OpenApiResponse(
    response=ERROR_DETAIL,
    description="Unknown code, or the organisation was closed (or not yet open) on that date.",
    examples=[
        OpenApiExample("Unknown code", value={"detail": "No organisation has the code 'X99999'."}),
        OpenApiExample(
            "Closed at that date",
            value={"detail": "Example Surgery (P84001) was closed on 2025-02-01 (it closed on 2025-01-31)."},
        ),
    ],
)

NOT_FOUND_ID = OpenApiResponse(response=ERROR_DETAIL, description="No such object (unknown id or code).")

UNAUTHENTICATED = OpenApiResponse(
    response=ERROR_DETAIL,
    description="No credentials: send `Authorization: Token <key>` (or use a signed-in session).",
    examples=[OpenApiExample("Anonymous", value={"detail": "Authentication credentials were not provided."})],
)

UNSUPPORTED_BODY = OpenApiResponse(
    response=ERROR_DETAIL,
    description="A body the API cannot read as the media type it names (JSON, a form, or multipart).",
    examples=[OpenApiExample("Unreadable", value={"detail": 'Unsupported media type "" in request.'})],
)

FORBIDDEN = OpenApiResponse(
    response=ERROR_DETAIL,
    description="Signed in, but without the right to edit that system (rights are per system; superusers edit all).",
    examples=[OpenApiExample("Another system", value={"detail": "You may not edit seats in QAA."})],
)


def bad_parameters(*examples: tuple[str, str]) -> OpenApiResponse:
    """A 400 keyed by the parameter at fault, with one example per (parameter, message)."""
    return OpenApiResponse(
        response=OpenApiTypes.OBJECT,
        description="A parameter is malformed or names nothing: the key is the parameter, the value its errors.",
        examples=[OpenApiExample(f"Bad {name}", value={name: [message]}) for name, message in examples],
    )


def refused(*examples: tuple[str, str]) -> OpenApiResponse:
    """A 400 for a write: a malformed field, or a governance rule (governance/rules.py) that refuses it."""
    return OpenApiResponse(
        response=OpenApiTypes.OBJECT,
        description="A field is invalid, or the write would break a governance rule: the key is the field "
        "(`non_field_errors` for the whole write), the value the messages.",
        examples=[OpenApiExample(f"Refused ({name})", value={name: [message]}) for name, message in examples],
    )


# Answers any read may give, whatever its own documentation lists: DRF answers an unknown
# ``?format=`` and a page past the end with 404, a malformed query parameter with 400, and
# anonymous clients over their rate with 429.
COMMON_READ_ERRORS = {
    "400": "A query parameter is malformed or names nothing: the key is the parameter, the value its errors.",
    "404": "Not found: no such object, a page past the end, or an unknown `format`.",
    "429": "Too many requests from this address (anonymous clients): wait `Retry-After` seconds.",
}


def document_common_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: list ``COMMON_READ_ERRORS`` on every read that lacks them."""
    detail = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}}
    by_parameter = {
        "application/json": {
            "schema": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}
        }
    }
    for operations in result.get("paths", {}).values():
        read = operations.get("get")
        if read is None:
            continue
        for status, description in COMMON_READ_ERRORS.items():
            if status == "400" and not any(p.get("in") == "query" for p in read.get("parameters", [])):
                continue  # nothing to be malformed
            content = by_parameter if status == "400" else detail
            read["responses"].setdefault(status, {"description": description, "content": content})
    return result
