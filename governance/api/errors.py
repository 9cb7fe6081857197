"""Errors as JSON a person can act on, and their descriptions for the OpenAPI schema.

``PathError`` (unknown organisation, or not open at the date) is a 404 with the
domain's own message; everything else is DRF's usual shape: ``{"detail": ...}``
for 404, ``{"<parameter>": [...]}`` for 400.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.views import exception_handler as drf_exception_handler

from governance.paths import PathError


def exception_handler(exc, context):
    """DRF's handler, with the path's domain errors turned into 404s."""
    if isinstance(exc, PathError):
        exc = NotFound(str(exc))
    return drf_exception_handler(exc, context)


NOT_FOUND = OpenApiResponse(
    response=inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()}),
    description="Unknown code, or the organisation was closed (or not yet open) on that date.",
    examples=[
        OpenApiExample("Unknown code", value={"detail": "No organisation has the code 'X99999'."}),
        OpenApiExample(
            "Closed at that date",
            value={"detail": "Example Surgery (P84001) was closed on 2025-02-01 (it closed on 2025-01-31)."},
        ),
    ],
)


def bad_parameters(*examples: tuple[str, str]) -> OpenApiResponse:
    """A 400 keyed by the parameter at fault, with one example per (parameter, message)."""
    return OpenApiResponse(
        response=OpenApiTypes.OBJECT,
        description="A parameter is malformed or names nothing: the key is the parameter, the value its errors.",
        examples=[OpenApiExample(f"Bad {name}", value={name: [message]}) for name, message in examples],
    )
