"""Test code run as concurrent requests run: each call in a thread of its own, with its own connection."""

import threading

from django.db import connections


def in_threads(*calls) -> list:
    """Start every call at once, each in its own thread; return what each returned, or what it raised.

    A thread must not die silently: an exception comes back as its outcome, for the test to
    assert on (``raised``). Each thread closes its database connections (Django keeps one per
    thread) when it is done.
    """
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            outcomes[index] = call()
        except Exception as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def raised(outcomes: list) -> list[str]:
    """The exceptions among ``outcomes``, as text for an assertion's message."""
    return [repr(outcome) for outcome in outcomes if isinstance(outcome, Exception)]
