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


# The name rule: what the name of an organisation, a person or a seat may contain. Names are
# drawn into Graphviz pictures, Atom feeds, CSV and pages; markup (``<`` ``>``: Graphviz's
# HTML-like labels can embed any file the server reads, or a link) and characters that are
# not text (control characters, which XML cannot hold; bidirectional overrides, which make a
# name read as another) are refused at every writer: the loader, the admin, the API and the
# ODS importer all ask ``name_problem``.
NAME_RULE = (
    "a name is text without markup or control characters: no < or >, no tabs, line breaks or other "
    "characters that are not printed"
)
# The characters refused, as the contents of a regex class (the OpenAPI schema's pattern for names uses it too).
NAME_BAD_CHARACTERS = r"<>\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb"
_NOT_IN_NAMES = re.compile(f"[{NAME_BAD_CHARACTERS}]")


def name_problem(name: str) -> str | None:
    """Why ``name`` breaks the name rule, as a sentence naming the first bad character; None when it keeps it."""
    found = _NOT_IN_NAMES.search(name) if isinstance(name, str) else None
    if found is None:
        return None
    return f"{name[:80]!r} is not a name: it contains {found.group()!r}; {NAME_RULE}."


def validate_name(name: str) -> None:
    """The name rule as a Django validator (forms show it under the field)."""
    problem = name_problem(name)
    if problem:
        raise ValidationError(problem, code="invalid_name")


# Characters XML 1.0 cannot hold (a feed that holds one cannot be written at all).
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def printable(text: str) -> str:
    """``text`` without the characters XML cannot hold, each a space: for rows stored before the name rule."""
    return _NOT_IN_XML.sub(" ", text)
