"""Corrections suggested by readers, each with its source, for a system's editors to review.

As YourNextRepresentative keeps its data true: anyone suggests, with a source; an editor of the
system reviews. A suggestion never changes the governance by itself (``governance.domain.suggestions``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from governance.models.organisations import Organisation
from governance.models.seats import Seat
from governance.models.vocabulary import SuggestionStatus

WHAT_MAX = 2000
SOURCE_MAX = 500


class Suggestion(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="suggestions", help_text="What the suggestion is about."
    )
    system = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="system_suggestions",
        help_text="The system whose editors review it: the organisation's system when it was made.",
    )
    seat = models.ForeignKey(
        Seat,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
        help_text="The seat it is about, if one was chosen (a seat on that organisation).",
    )
    what = models.TextField(max_length=WHAT_MAX, help_text="The correction, in the reader's words (shown as text).")
    source = models.URLField(max_length=SOURCE_MAX, help_text="Where it is published: an http or https address.")
    email = models.EmailField(blank=True, help_text="The reader's address, for questions; never shown on the site.")
    created = models.DateTimeField(auto_now_add=True, help_text="When it was made.")
    status = models.CharField(
        max_length=10,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.NEW,
        help_text="Where its review stands.",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_suggestions",
        help_text="The editor who reviewed it.",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, help_text="When it was reviewed.")
    note = models.TextField(blank=True, help_text="The reviewer's note: what was done, or why not.")
    history = HistoricalRecords(excluded_fields=["email"])

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["system", "status"], name="suggestion_system_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in SuggestionStatus]), name="suggestion_status_valid"
            ),
            models.CheckConstraint(condition=~Q(what=""), name="suggestion_what_not_empty"),
            models.CheckConstraint(
                condition=Q(source__startswith="http://") | Q(source__startswith="https://"),
                name="suggestion_source_is_web_address",
            ),
        ]

    def __str__(self):
        return f"Suggestion about {self.organisation.name} ({self.get_status_display().lower()})"

    @property
    def is_open(self) -> bool:
        return self.status == SuggestionStatus.NEW
