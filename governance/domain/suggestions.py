"""Readers' corrections: the one check of a suggestion, its one writer, and who reviews it.

A suggestion is what a reader says is wrong or missing, with the published source that shows
it. It is stored for the editors of the organisation's system (``SystemRight``) to review in
the admin; reviewing never changes the governance by itself — an editor who agrees makes the
change in the ordinary way, and may take the suggestion's source for it.

``check`` is the one validation (the page's form and any later writer call it); ``submit``
checks, stores and tells the system's editors by email. Neither speaks HTTP: a refusal is a
``SuggestionRefused`` naming the field and saying why in words.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from governance.domain.dates import in_words
from governance.models import Organisation, Seat, Suggestion, SuggestionStatus
from governance.models.suggestions import SOURCE_MAX, WHAT_MAX

_WEB_ADDRESS = URLValidator(schemes=["http", "https"])


class SuggestionRefused(ValueError):
    """A suggestion that cannot be stored: ``errors`` maps each field at fault to a sentence."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


def _unreadable(text: str) -> str | None:
    """Why ``text`` cannot be stored as text (a NUL or a lone surrogate), or None."""
    if "\x00" in text:
        return "contains a NUL character"
    if any(0xD800 <= ord(character) <= 0xDFFF for character in text):
        return "contains characters that are not text (a lone surrogate)"
    return None


def _what_problem(what: str) -> str | None:
    if not what:
        return "Say what is wrong or missing."
    if len(what) > WHAT_MAX:
        return f"Say it in at most {WHAT_MAX:,} characters (this is {len(what):,})."
    problem = _unreadable(what)
    return f"The text {problem}." if problem else None


def _source_problem(source: str) -> str | None:
    if not source:
        return "Give the web address where this is published (a board page, minutes, a news item)."
    problem = _unreadable(source)
    if problem:
        return f"The address {problem}."
    if len(source) > SOURCE_MAX:
        return f"Give an address of at most {SOURCE_MAX} characters."
    try:
        _WEB_ADDRESS(source)
    except ValidationError:
        return "Give a web address starting with http:// or https:// (for example https://www.example.nhs.uk/board)."
    return None


def _email_problem(email: str) -> str | None:
    if not email:
        return None
    problem = _unreadable(email)
    if problem:
        return f"The email address {problem}."
    try:
        EmailValidator()(email)
    except ValidationError:
        return "Give an email address like name@example.org, or leave it empty."
    return None


def check(organisation: Organisation, *, what: str, source: str, email: str = "", seat: Seat | None = None,
          date: datetime.date | None = None) -> dict:  # fmt: skip
    """The suggestion as it would be stored (text trimmed), or ``SuggestionRefused`` with every field at fault.

    ``seat`` must be a seat on ``organisation``; ``organisation`` must be open on ``date``
    (default today): a closed organisation's governance is history, not something to correct here.
    """
    date = date or timezone.localdate()
    what, source, email = (what or "").strip(), (source or "").strip(), (email or "").strip()
    errors = {
        field: problem
        for field, problem in (
            ("what", _what_problem(what)),
            ("source", _source_problem(source)),
            ("email", _email_problem(email)),
        )
        if problem
    }
    if seat is not None and seat.body_id != organisation.pk:
        errors["seat"] = f"That seat is not on {organisation.name}."
    if not organisation.is_active_on(date):
        errors["organisation"] = (
            f"{organisation.name} is not open on {in_words(date)}: suggest corrections to what is open that day."
        )
    if errors:
        raise SuggestionRefused(errors)
    return {"what": what, "source": source, "email": email, "seat": seat}


def system_of(organisation: Organisation) -> Organisation:
    """The system whose editors review suggestions about ``organisation``: the root of its tree today."""
    return organisation if organisation.parent_id is None else organisation.get_root()


def editors_of(system: Organisation) -> QuerySet:
    """The active users with rights on ``system`` who have an email address."""
    return (
        get_user_model()
        .objects.filter(system_rights__system=system, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )


def submit(organisation: Organisation, *, what: str, source: str, email: str = "", seat: Seat | None = None,
           date: datetime.date | None = None) -> Suggestion:  # fmt: skip
    """Check, store and announce a suggestion; ``SuggestionRefused`` stores nothing."""
    fields = check(organisation, what=what, source=source, email=email, seat=seat, date=date)
    system = system_of(organisation)
    with transaction.atomic():
        suggestion = Suggestion.objects.create(organisation=organisation, system=system, **fields)
        transaction.on_commit(lambda: _tell_editors(suggestion), robust=True)
    return suggestion


def _tell_editors(suggestion: Suggestion) -> None:
    """Email the system's editors that a suggestion waits (plain text: the reader's words, never their address)."""
    recipients = list(editors_of(suggestion.system).values_list("email", flat=True))
    if not recipients:
        return
    about = suggestion.organisation
    seat = f"\nSeat: {suggestion.seat.label}" if suggestion.seat_id else ""
    body = (
        f"A reader suggests a correction to {about.name} ({about.code}), in {suggestion.system.name}.{seat}\n\n"
        f"{suggestion.what}\n\nSource: {suggestion.source}\n\n"
        f"Review it in the admin: {settings.SITE_URL.rstrip('/')}/admin/governance/suggestion/{suggestion.pk}/change/\n"
    )
    send_mail(f"Suggested correction: {about.name}", body, None, recipients)


def open_count(system: Organisation) -> int:
    """How many suggestions about ``system`` wait for review."""
    return Suggestion.objects.filter(system=system, status=SuggestionStatus.NEW).count()


def review(suggestion: Suggestion, *, status: str, reviewer, note: str = "") -> Suggestion:
    """Record an editor's review: the status, who and when. Changes nothing else."""
    suggestion.status, suggestion.note = status, note
    suggestion.reviewer, suggestion.reviewed_at = reviewer, timezone.now()
    suggestion.save(update_fields=["status", "note", "reviewer", "reviewed_at"])
    return suggestion
