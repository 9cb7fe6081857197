"""What the views share: the as-of date parameters, CSV for lists, and reading a write's body."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param

from governance.api import schema
from governance.api.caching import ApiView
from governance.api.errors import FORBIDDEN, UNAUTHENTICATED, UNSUPPORTED_BODY
from governance.api.renderers import CSVRenderer, flat_table
from governance.domain.dates import BadDate

DATE_PARAMETER = OpenApiParameter(
    "date", schema.DATE, description="As-of date, YYYY-MM-DD (default: today).", required=False
)
BAD_DATE = ("date", str(BadDate("2023-02-30")))
AS_IT_STOOD = OpenApiParameter(
    "date", schema.DATE, description="The system as it stood on this day, YYYY-MM-DD (default: all of it).",
    required=False,
)  # fmt: skip
WITH_CSV = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]
EVERY_ROW = "`?format=csv` gives every row as CSV (never paginated: `pandas.read_csv(url)` reads the whole list)."
# Responses every write may give besides its own.
WRITE_ERRORS = {401: UNAUTHENTICATED, 403: FORBIDDEN, 415: UNSUPPORTED_BODY}


class CsvListsMixin(ApiView):
    """``?format=csv`` on the list actions (and those in ``csv_actions``); other actions answer JSON only."""

    csv_actions = ("list",)

    def get_renderers(self):
        renderers = super().get_renderers()
        # OPTIONS ("metadata") answers JSON whatever the format (ApiView.finalize_response); it
        # keeps the CSV renderer so that ?format=csv on it is not a 404.
        if getattr(self, "action", None) in (*self.csv_actions, "metadata"):
            return renderers
        return [renderer for renderer in renderers if not isinstance(renderer, CSVRenderer)]

    def csv_table(self, data):
        columns, rows = flat_table(data, list(self.get_serializer().fields))
        for row in rows:
            # DRF keeps ?format= in the links it makes; an item's own URL has no CSV form.
            if row.get("url"):
                row["url"] = remove_query_param(row["url"], api_settings.URL_FORMAT_OVERRIDE)
        return columns, rows


class WritableMixin:
    """Input serializers by request (so the browsable API and OPTIONS show what to send); answers in the read shape."""

    input_serializers: dict[str, type] = {}  # action (or method, for OPTIONS and forms) -> serializer

    def get_serializer_class(self):
        method = self.request.method if self.request is not None else "GET"
        wanted = self.input_serializers.get(self.action) or self.input_serializers.get(method)
        return wanted or super().get_serializer_class()

    def incoming(self) -> dict:
        """The request's body, validated by this action's input serializer (else a 400 naming the field)."""
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def answer(self, obj, status_code=status.HTTP_200_OK, **kwargs) -> Response:
        data = self.serializer_class(obj, context=self.get_serializer_context()).data
        return Response(data, status=status_code, **kwargs)
