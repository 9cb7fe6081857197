"""The governance file's words, read by the parser (``parse``) and written by the writer (``write``).

The format is a public contract (DESIGN.md, "The governance file"): each entry's keys,
required and optional, in the order the parser names them when a key is unknown; what
``holders`` says when a seat's holders are not recorded; and what a key left out means.
"""

from typing import NamedTuple


class Keys(NamedTuple):
    """The keys one kind of entry takes."""

    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return (*self.required, *self.optional)


FILE = Keys(("system",), ("top_board", "organisations", "seats"))
SYSTEM = Keys(("code", "name"), ("region", "source", "verified", "illustrative", "routes", "clusters"))
CLUSTER = Keys(("name", "source"), ("seen", "from", "to"))
ORGANISATION = Keys(
    ("code", "name", "kind", "parent"),
    ("opened", "closed", "postcode", "covers", "routes", "source", "seen", "also_known_as"),
)
SEAT = Keys(
    ("board", "label", "role", "selection"),
    (
        "represents",
        "sector",
        "delegate",
        "voting",
        "max_holders",
        "portfolio",
        "holders",
        "mental_health",
        "also_reported",
    ),
)
HOLDER = Keys(("name",), ("from", "seen", "to", "term_ends", "source", "acting"))
REPORT = Keys(("name", "seen", "source"), ())  # a seat's ``also_reported``

HOLDERS_UNKNOWN = "unknown"  # `holders: unknown`: the seat's holders are not recorded

# What a key left out means (the writer leaves ``max_holders``, ``illustrative`` and
# ``mental_health`` out at these; it always writes ``delegate`` and ``voting``).
ILLUSTRATIVE = False
DELEGATE = False
VOTING = True
MAX_HOLDERS = 1
MENTAL_HEALTH = False
ACTING = False  # a holder named as acting in the seat (the writer writes ``acting`` only when true)
