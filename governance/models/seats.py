"""Seats on bodies, the people who hold them, and their dated appointments.

Seats are posts on bodies, apart from the people who hold them (Popolo's Post); an
Appointment is a dated membership of a Person in a Seat. Seats and appointments are written
only through ``governance.domain.seating``.
"""

import datetime

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from simple_history.models import HistoricalRecords

from governance.models.dated import Dated, DatedQuerySet
from governance.models.organisations import Organisation
from governance.models.vocabulary import Portfolio, Role, Sector, Selection


class SeatQuerySet(models.QuerySet):
    def vacant_on(self, date: datetime.date) -> "SeatQuerySet":
        """Seats nobody held on ``date``: known to be empty, so never a seat whose holders are not recorded."""
        held = Appointment.objects.current_on(date).filter(seat=OuterRef("pk"))
        return self.filter(~Exists(held), holders_recorded=True)


class Seat(models.Model):
    body = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="seats",
        help_text="The board, committee or partnership the seat is on.",
    )
    label = models.CharField(max_length=200, help_text="The seat's name on that body; unique per body.")
    role = models.CharField(max_length=20, choices=Role.choices)
    represents = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="representing_seats",
        help_text="The one organisation this seat speaks for, if any. Makes a hop of the representation path.",
    )
    sector = models.CharField(
        max_length=20,
        choices=Sector.choices,
        blank=True,
        help_text="The sector this seat is drawn from, if it stands for a whole sector. Never a hop of the path.",
    )
    selection = models.CharField(max_length=12, choices=Selection.choices, help_text="How the seat is filled.")
    delegate = models.BooleanField(default=False, help_text="Its holder acts as a delegate of what it represents.")
    voting = models.BooleanField(default=True, help_text="Its holder votes.")
    max_holders = models.PositiveSmallIntegerField(default=1, help_text="How many people may hold it at once.")
    portfolio = models.CharField(
        max_length=10,
        choices=Portfolio.choices,
        blank=True,
        help_text="An executive seat's portfolio (finance, medical, nursing, other): tells the directors apart.",
    )
    holders_recorded = models.BooleanField(
        default=True,
        help_text="Whether its holders are recorded. If not, nobody knows who holds it: it is neither filled nor "
        "vacant, and it has no appointments (governance file: holders: unknown).",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = SeatQuerySet.as_manager()

    class Meta:
        ordering = ["body_id", "label"]
        constraints = [
            models.UniqueConstraint(fields=["body", "label"], name="seat_label_unique_per_body"),
            models.CheckConstraint(condition=Q(max_holders__gte=1), name="seat_max_holders_at_least_one"),
            models.CheckConstraint(
                condition=Q(represents__isnull=True) | Q(sector=""), name="seat_represents_or_sector_not_both"
            ),
            models.CheckConstraint(condition=Q(role__in=[r.value for r in Role]), name="seat_role_valid"),
            models.CheckConstraint(
                condition=Q(selection__in=[s.value for s in Selection]), name="seat_selection_valid"
            ),
            models.CheckConstraint(
                condition=Q(portfolio__in=["", *(p.value for p in Portfolio)]), name="seat_portfolio_valid"
            ),
        ]

    def __str__(self):
        return f"{self.label} — {self.body.name}"


class Person(models.Model):
    """Someone who holds or held a seat. Public-office facts only."""

    name = models.CharField(max_length=200, db_index=True)
    profession = models.CharField(max_length=200, blank=True, help_text="e.g. GP, practice manager.")
    organisation = models.CharField(max_length=200, blank=True, help_text="Where they work, as published.")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name


class AppointmentQuerySet(DatedQuerySet):
    """Appointments by date: ``current_on(day)`` are those whose holder was in the seat that day."""

    current_condition = DatedQuerySet.condition
    current_on = DatedQuerySet.on
    not_current_on = DatedQuerySet.not_on


class Appointment(Dated):
    """A person holding a seat from ``start`` to ``end`` (inclusive; open-ended if empty)."""

    PERIOD_START_REQUIRED = True

    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="appointments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateField(help_text="First day in the seat.")
    end = models.DateField(null=True, blank=True, help_text="Last day in the seat; empty while current.")
    term_ends = models.DateField(
        null=True,
        blank=True,
        help_text="The day the term is due to end, if known (the end is the day it actually ended).",
    )
    source = models.CharField(max_length=500, blank=True, help_text="Where this is published: a link or a citation.")
    # Also the appointment's version: an edit form carries it, and a save refuses if it moved on
    # meanwhile (governance.domain.edit_conflicts).
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["seat_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="appointment_end_not_before_start"
            ),
            models.CheckConstraint(
                condition=Q(term_ends__isnull=True) | Q(term_ends__gte=F("start")),
                name="appointment_term_ends_not_before_start",
            ),
            models.UniqueConstraint(fields=["seat", "person", "start"], name="appointment_unique_start"),
        ]
        indexes = [models.Index(fields=["seat", "start", "end"], name="appointment_seat_dates")]

    def __str__(self):
        return f"{self.person} — {self.seat.label} (from {self.start})"

    is_current_on = Dated.holds_on
