"""The organisation code rule: what a code may contain, as a pattern, a sentence and a validator."""

import re

from django.core.exceptions import ValidationError

# What an organisation code may contain: ODS codes (QOP, 00T, U12345, P84001) and slugs
# (qop-board). Codes go whole into URLs (/organisations/<code>/, the API's lookups) and
# file names, so nothing that a URL or a file name would read as a separator or escape.
CODE_LENGTH = 64
CODE_PATTERN = rf"^[A-Za-z0-9][A-Za-z0-9-]{{0,{CODE_LENGTH - 1}}}$"
CODE_RULE = (
    f"a code is 1 to {CODE_LENGTH} characters: letters A-Z or a-z, digits 0-9 and hyphens (-), "
    "starting with a letter or digit"
)
_CODE = re.compile(CODE_PATTERN)


def code_problem(code: str) -> str | None:
    """Why ``code`` is not an organisation code, as a sentence; None when it is one."""
    if isinstance(code, str) and _CODE.fullmatch(code):  # fullmatch: "$" alone would allow a final newline
        return None
    return f"{code!r} is not an organisation code: {CODE_RULE}."


def validate_code(code: str) -> None:
    """The code rule as a Django validator (forms show it under the field)."""
    problem = code_problem(code)
    if problem:
        raise ValidationError(problem, code="invalid_code")
