"""The one memo of icsmap: a function's answers kept per data version, in this process.

``@per_data_version(maxsize)`` is ``functools.lru_cache`` for functions that take the data
version (``versioning.Version.key``) among their arguments, so a committed write moves every
key on and old answers age out. Each memo registers itself here, so that ``caching.reset()``
empties them all without naming any module's private function.
"""

import functools
from collections.abc import Callable

_memos: list = []


def per_data_version(maxsize: int) -> Callable:
    """Keep up to ``maxsize`` answers of the decorated function; it must take the data version as an argument."""

    def decorate(function: Callable) -> Callable:
        memo = functools.lru_cache(maxsize=maxsize)(function)
        _memos.append(memo)
        return memo

    return decorate


def clear() -> None:
    """Forget every memo's answers."""
    for memo in _memos:
        memo.cache_clear()
