"""Dated rows: the abstract model and queryset that give a model the rule of ``governance.domain.periods``.

A dated model names its two date fields (``PERIOD_FIELDS``); ``period`` is its span as a
``Period``, ``holds_on(day)`` the rule for one row in memory, and its queryset's ``on(day)``
and ``not_on(day)`` the same rule in SQL. Each model keeps the domain's word for it as an
alias (an organisation is *open*, a link or an appointment *current*).
"""

import datetime

from django.db import models
from django.db.models import Q

from governance.domain.periods import Period


class DatedQuerySetMixin:
    """Rows by date, through ``Period.condition`` on the model's ``PERIOD_FIELDS``."""

    def condition(self, day: datetime.date) -> Q:
        """Holding on ``day``, as a ``Q`` (for annotations and ``When``)."""
        start, end = self.model.PERIOD_FIELDS
        return Period.condition(day, start, end, start_required=self.model.PERIOD_START_REQUIRED)

    def on(self, day: datetime.date):
        """Those holding on ``day``."""
        return self.filter(self.condition(day))

    def not_on(self, day: datetime.date):
        """Those not holding on ``day``: ended, or not yet begun."""
        return self.exclude(self.condition(day))


class DatedQuerySet(DatedQuerySetMixin, models.QuerySet):
    pass


class Dated(models.Model):
    """A row that holds from one day to another, both inclusive (an empty end: still holding)."""

    PERIOD_FIELDS: tuple[str, str] = ("start", "end")
    PERIOD_START_REQUIRED = False

    class Meta:
        abstract = True

    @property
    def period(self) -> Period:
        """The row's span of days."""
        start, end = self.PERIOD_FIELDS
        return Period(getattr(self, start), getattr(self, end))

    def holds_on(self, day: datetime.date) -> bool:
        """Whether the row holds on ``day`` (``objects.on(day)`` in SQL)."""
        return self.period.holds_on(day)
