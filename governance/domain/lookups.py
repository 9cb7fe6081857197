"""Text that looks something up: codes in URLs and query parameters, search words.

PostgreSQL cannot hold a NUL character in text and refuses a query that contains one (a
500, where the answer is "no such thing"). Nothing stored can contain one either, so such
text matches nothing: pages, the API and serializers ask ``can_match`` first and answer as
they would for an unknown value. The one guard; there are no other copies.
"""

NUL = "\x00"


def can_match(text: object) -> bool:
    """Whether ``text`` is a string that stored text could equal or contain (it holds no NUL)."""
    return isinstance(text, str) and NUL not in text
