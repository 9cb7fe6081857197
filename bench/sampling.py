"""Which practices the bench asks for, and at which dates: one sample for every stage that asks.

Needs Django set up (``bench/stages.py`` does it, as does pytest). A dated request names a
practice and a day on which it was open, from ``SINCE`` to today, so that every answer is a
path: a 404 under load is an error the bench counts, never a sample that fell outside the data.
"""

import datetime
import random

from django.utils import timezone

from governance.models import Kind, Organisation

# The first ICBs opened on 1 July 2022 (DESIGN.md, "Time"): no path exists before.
SINCE = datetime.date(2022, 7, 1)
# The load generator (bench/random_paths.lua) reads a span as days since this day.
EPOCH = datetime.date(1970, 1, 1)


def open_practice_codes(n: int, seed: int) -> list[str]:
    """``n`` random codes of practices open today (all of them if fewer)."""
    today = timezone.localdate()
    codes = sorted(
        Organisation.objects.filter(kind=Kind.PRACTICE, closed__isnull=True)
        .exclude(opened__gt=today)
        .values_list("code", flat=True)
    )
    return random.Random(seed).sample(codes, min(n, len(codes)))


def practice_spans(
    n: int, seed: int, since: datetime.date = SINCE, until: datetime.date | None = None
) -> list[tuple[str, datetime.date, datetime.date]]:
    """``n`` random practices open on some day from ``since`` to ``until`` (default today).

    Each comes with the first and last of those days (both inclusive, as ``opened`` and
    ``closed`` are): closed practices are in the sample too, for the days they were open.
    """
    until = until or timezone.localdate()
    rows = (
        Organisation.objects.filter(kind=Kind.PRACTICE)
        .exclude(opened__gt=until)
        .exclude(closed__lt=since)
        .order_by("code")
        .values_list("code", "opened", "closed")
    )
    spans = [(code, max(opened or since, since), min(closed or until, until)) for code, opened, closed in rows]
    return random.Random(seed).sample(spans, min(n, len(spans)))


def draw_date(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    """A day from ``first`` to ``last``, both included, each as likely."""
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def spans_file_text(spans: list[tuple[str, datetime.date, datetime.date]]) -> str:
    """The lines bench/random_paths.lua reads: ``CODE FIRST LAST``, the days counted from ``EPOCH``."""
    return "".join(f"{code} {(first - EPOCH).days} {(last - EPOCH).days}\n" for code, first, last in spans)
