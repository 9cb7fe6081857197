"""Page-number pagination (DRF's ``count``/``next``/``previous``/``results``) that never 500s."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (at most 200 a page, so one request stays cheap)."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request, paginator):
        # DRF answers ?page=abc with 404 "Invalid page."; a 400 naming the
        # parameter tells the client what to fix. Past-the-end stays a 404.
        number = super().get_page_number(request, paginator)
        if number in self.last_page_strings:
            return number
        number = str(number)
        if not (number.isascii() and number.isdigit()) or int(number) < 1:
            raise ValidationError({self.page_query_param: [f"'{number}' is not a page number (1, 2, … or 'last')."]})
        return number
