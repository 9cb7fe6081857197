"""A span of days, and the one rule of time: what holds on a day.

Every dated fact in icsmap — an organisation open from ``opened`` to ``closed``, a link from
``start`` to ``end``, an appointment, a membership the importer plans — is a ``Period``:
both ends inclusive (the end is the last day), an empty end reaching out for ever, an empty
start meaning "since before the records begin". ``Period.holds_on`` is the rule for one value
in memory; ``Period.condition`` is the same rule as a ``Q`` for the database, so the two can
never drift apart. ``governance.models.dated`` gives models and querysets the rule through it.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True, slots=True)
class Period:
    """From ``start`` to ``end``, both inclusive; None at either end reaches out for ever."""

    start: datetime.date | None = None
    end: datetime.date | None = None

    def holds_on(self, day: datetime.date) -> bool:
        """Whether ``day`` falls within the period."""
        return (self.start is None or self.start <= day) and (self.end is None or self.end >= day)

    def overlaps(self, other: "Period") -> bool:
        """Whether the two periods share at least one day."""
        return (self.start or datetime.date.min) <= (other.end or datetime.date.max) and (
            other.start or datetime.date.min
        ) <= (self.end or datetime.date.max)

    def clamp(self, day: datetime.date) -> datetime.date:
        """The day of the period nearest ``day``: ``day`` itself within it, else its first or last day.

        Where a closed unit is shown (on its last day) and one not yet open (on its first).
        """
        if self.end is not None and self.end < day:
            return self.end
        if self.start is not None and self.start > day:
            return self.start
        return day

    @property
    def sort_key(self) -> tuple[datetime.date, datetime.date]:
        """Earliest start first, then earliest end (open ends last)."""
        return (self.start or datetime.date.min, self.end or datetime.date.max)

    @staticmethod
    def condition(day: datetime.date, start: str = "start", end: str = "end", *, start_required: bool = False) -> Q:
        """``holds_on`` as a database condition on the fields ``start`` and ``end`` (which may be lookups).

        ``start_required``: the start field is never empty (an appointment), so no ``IS NULL`` arm.
        """
        begun = Q(**{f"{start}__lte": day})
        if not start_required:
            begun = Q(**{f"{start}__isnull": True}) | begun
        return begun & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day}))


def unknown_on(day: datetime.date, starts: Iterable[tuple[datetime.date, bool]]) -> bool:
    """Whether a post none of whose periods holds on ``day`` is not known to be empty then.

    ``starts``: each period's ``(start, start_known)``. A period known only from a day a source
    saw it (``start_known`` false) began on or before that day: if the first period to begin
    after ``day`` is such a one, it may already have begun, so the post is neither known held
    nor known empty on ``day``. (``Appointment.objects.unknown_before_seen`` in SQL.)
    """
    later = [(start, known) for start, known in starts if start > day]
    return bool(later) and not min(later)[1]
