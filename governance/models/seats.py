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
        """Seats nobody held on ``date``: known to be empty, so never a seat whose holders are not recorded,
        on that day or at all (``Appointment.objects.unknown_before_seen``)."""
        held = Appointment.objects.current_on(date).filter(seat=OuterRef("pk"))
        unknown = Appointment.objects.unknown_before_seen(date).filter(seat=OuterRef("pk"))
        return self.filter(~Exists(held), ~Exists(unknown), holders_recorded=True)


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
    mental_health = models.BooleanField(
        default=False,
        help_text="On a top board: its holder is the member with knowledge and experience of services for people "
        "with mental illness that the NHS Act 2006 (Schedule 1B) requires, as the board's source says "
        "(governance file: mental_health: true).",
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

    def unknown_before_seen(self, date: datetime.date) -> "AppointmentQuerySet":
        """Appointments that make their seat's holder on ``date`` not recorded, if nobody holds it then: known
        only from a later day a source saw them in post (``start_known`` false), with no appointment of the
        seat beginning between ``date`` and that day (``governance.domain.periods.unknown_on``, in SQL)."""
        between = Appointment.objects.filter(seat=OuterRef("seat"), start__gt=date, start__lt=OuterRef("start"))
        return self.filter(start_known=False, start__gt=date).filter(~Exists(between))


class Appointment(Dated):
    """A person holding a seat from ``start`` to ``end`` (inclusive; open-ended if empty).

    A holder a source shows in post on a day without saying since when (governance file:
    ``seen`` without ``from``) starts on ``seen`` with ``start_known`` false: the period's rule
    stays ``governance.domain.periods``' one, and on days before it the seat's holder is not
    recorded rather than vacant (``AppointmentQuerySet.unknown_before_seen``).
    """

    PERIOD_START_REQUIRED = True

    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="appointments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateField(
        help_text="First day in the seat the record knows: the day it began (from) or, when the source does "
        "not say (start_known false), the day the source shows the holder in post (seen)."
    )
    start_known = models.BooleanField(
        default=True,
        help_text="False when the source shows the holder in post on `seen` without saying since when: the "
        "appointment began on or before `start`, and before it the seat's holder is not recorded.",
    )
    seen = models.DateField(
        null=True,
        blank=True,
        help_text="The day the source shows the holder in post (governance file: seen), if it says so.",
    )
    end = models.DateField(null=True, blank=True, help_text="Last day in the seat; empty while current.")
    end_known = models.BooleanField(
        default=True,
        help_text="False when no source states the end: it is the day before a later holder's start (their from, "
        "or the day a source shows them in post), and the holder may have left earlier.",
    )
    term_ends = models.DateField(
        null=True,
        blank=True,
        help_text="The day the term is due to end, if known (the end is the day it actually ended).",
    )
    source = models.CharField(max_length=500, blank=True, help_text="Where this is published: a link or a citation.")
    acting = models.BooleanField(
        default=False,
        help_text="True when the source names the holder as acting in the seat (an interim stand-in, not the "
        "substantive holder).",
    )
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
        since = f"from {self.start}" if self.start_known else f"in post on {self.seen or self.start}"
        return f"{self.person} — {self.seat.label} ({since})"

    is_current_on = Dated.holds_on


class AlsoReported(models.Model):
    """Another source naming someone else for a seat on a day (governance file: ``also_reported``).

    Two published sources that disagree are both kept: the seat's holders are what the file
    chose, and this is the other account, shown beside them with its date and source.
    """

    seat = models.ForeignKey(
        Seat, on_delete=models.CASCADE, related_name="also_reported", help_text="The seat the sources disagree on."
    )
    name = models.CharField(max_length=200, help_text="The name the other source gives for the seat's holder.")
    seen = models.DateField(help_text="The day that source shows them in post.")
    source = models.CharField(max_length=500, help_text="The other source: a link (http or https).")

    class Meta:
        ordering = ["seat_id", "seen", "name"]
        verbose_name_plural = "also reported"
        constraints = [models.UniqueConstraint(fields=["seat", "name", "seen"], name="also_reported_unique")]

    def __str__(self):
        return f"{self.name} in {self.seat.label}, seen {self.seen} ({self.source})"
