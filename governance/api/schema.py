"""What the OpenAPI schema says that drf-spectacular cannot read from the code, taken from each rule's home.

A schema-valid request is taken (but for what no schema can say: a code that names nothing, an
organisation not open that day, parameters that contradict each other, a governance rule); a request
the schema forbids is a 400 naming its place. ``tests/api/test_api_schemathesis.py`` holds them to it.
"""

from governance.domain.dates import RANGE_PATTERN
from governance.models import CODE_PATTERN, NAME_BAD_CHARACTERS

# A day the domain believes (``domain/dates.py``: 1948-07-05 to 2100-12-31), YYYY-MM-DD.
DATE = {"type": "string", "format": "date", "pattern": RANGE_PATTERN}
# An organisation code (``models/codes.py``).
CODE = {"type": "string", "pattern": CODE_PATTERN}
# Text: anything but NUL (Django's fields refuse it: PostgreSQL cannot store it).
TEXT = {"type": "string", "pattern": r"^[^\x00]*$"}
# What Python's str.split() splits at (ECMA's \s differs), as the contents of a regex class.
SPACES = "".join(f"\\u{ord(c):04x}" for c in map(chr, range(0x3001)) if c.isspace())
# A name or a seat's label: the name rule (``models/codes.py``), and not blank once its ends are trimmed.
NAME = {"type": "string", "pattern": rf"^[^{NAME_BAD_CHARACTERS}]*[^\s{NAME_BAD_CHARACTERS}][^{NAME_BAD_CHARACTERS}]*$"}


def blank_is_absent(result, generator, request, public):
    """drf-spectacular postprocessing hook: every optional query parameter says ``allowEmptyValue``.

    The API reads ``?x=`` as if ``x`` were left out (django-filter's way, and the browsable API's
    forms, which send every field), so the schema says an empty value is taken.
    """
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result
