"""The API's JSON parser: DRF's, with nesting too deep for Python's decoder answered as a 400."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser that answers a body nested past the decoder's limit (~1,000 levels) with a 400.

    Python's ``json`` decoder recurses once per bracket and raises RecursionError, which DRF
    does not catch (a 500): no body the API takes is nested more than three levels.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
