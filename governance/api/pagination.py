"""Page-number pagination (DRF's ``count``/``next``/``previous``/``results``) that never 500s.

The bounds the schema documents are the bounds the API keeps: ``page`` is a whole number
from 1 (or ``last``), ``page_size`` a whole number from 1 to ``max_page_size``; anything
else is a 400 naming the parameter. A page past the end stays DRF's 404.
"""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from governance.api import params


class Pagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (at most 200 a page, so one request stays cheap); CSV is never paged.

    A CSV list carries every row: a spreadsheet or ``pandas.read_csv(url)`` has nowhere to follow a
    next page, and would silently read the first one only. Rendered whole rather than streamed, so
    that the answer cache keeps it and a revalidation is a 304 like any other answer.
    """

    page_size_query_param = "page_size"
    max_page_size = 200

    whole = False  # this answer is every row (CSV)

    def paginate_queryset(self, queryset, request, view=None):
        self.whole = getattr(request.accepted_renderer, "format", None) == "csv"
        if self.whole:
            # Every row, whatever page was asked for; but a malformed page or page size is refused
            # as in JSON: the schema allows the same parameters in both.
            self.check_page(request)
            self.get_page_size(request)
            return list(queryset)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response(data) if self.whole else super().get_paginated_response(data)

    def get_page_number(self, request, paginator):
        self.check_page(request)
        return super().get_page_number(request, paginator)

    def check_page(self, request) -> None:
        """A 400 naming ``page`` unless it is a whole number from 1, or ``last`` (blank: the first page).

        DRF answers ?page=abc with 404 "Invalid page."; a 400 naming the parameter tells the
        client what to fix. Past-the-end stays a 404.
        """
        number = request.query_params.get(self.page_query_param) or "1"
        if number in self.last_page_strings:
            return
        if not (number.isascii() and number.isdigit()) or int(number) < 1:
            raise ValidationError({self.page_query_param: [f"'{number}' is not a page number (1, 2, … or 'last')."]})

    def get_page_size(self, request):
        # DRF quietly falls back to the default for ?page_size=0 or abc and clamps 1000 to the
        # maximum: the client would get a page it did not ask for, unlike what the schema says.
        return params.bounded_int(
            request, self.page_size_query_param, default=self.page_size, maximum=self.max_page_size
        )

    def get_schema_operation_parameters(self, view):
        """DRF's two parameters, with the bounds this class keeps."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = "A page number, from 1 (or `last`); a page past the end is a 404."
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size, default=self.page_size)
                parameter["description"] = f"Results per page, from 1 to {self.max_page_size}."
        return parameters
