"""The memos of icsmap: answers kept in this process until the data they were made from changes.

``@per_data_version(maxsize)`` is ``functools.lru_cache`` for functions that take the data
version (``versioning.Version.key``, or a part of it) among their arguments, so a committed write
moves every key on and old answers age out. ``LatestPerName(depth)`` keeps, for each name, the
answers of its latest keys (a system's graphs, by what they were built from). Each memo registers
itself here, so that ``caching.reset()`` empties them all without naming any module's private function.
"""

import functools
import threading
from collections.abc import Callable

_memos: list = []


def per_data_version(maxsize: int) -> Callable:
    """Keep up to ``maxsize`` answers of the decorated function; it must take the data version as an argument."""

    def decorate(function: Callable) -> Callable:
        memo = functools.lru_cache(maxsize=maxsize)(function)
        _memos.append(memo)
        return memo

    return decorate


class LatestPerName:
    """Answers kept per name (a system), each for its ``depth`` latest keys: the memo for a thing made
    of parts that change one at a time, whose keys say what it was made from.

    A count-bounded memo of all names would keep every old key until pushed out; this keeps at most
    ``depth`` per name, so memory stays that of ``depth`` answers for each name however many keys pass.
    """

    def __init__(self, depth: int):
        self.depth = depth
        self._kept: dict = {}  # name → [(key, answer)], the latest first
        self._lock = threading.Lock()
        _memos.append(self)

    def get(self, name, key, compute: Callable):
        """The answer kept for ``name`` under ``key``, else ``compute()``'s, kept."""
        for kept_key, answer in self._kept.get(name, ()):
            if kept_key == key:
                return answer
        answer = compute()
        with self._lock:
            others = [entry for entry in self._kept.get(name, ()) if entry[0] != key]
            self._kept[name] = [(key, answer), *others][: self.depth]
        return answer

    def cache_clear(self) -> None:
        with self._lock:
            self._kept.clear()


def clear() -> None:
    """Forget every memo's answers."""
    for memo in _memos:
        memo.cache_clear()
