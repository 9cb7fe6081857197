"""Template filters for icsmap's pages: labels for stored codes, shares as percentages, dates in words and their age."""

import datetime

from django import template
from django.utils import timezone

from governance.domain import dates
from governance.models import Kind, Portfolio, Role, Sector, Selection
from governance.reading.sources import stale_since

register = template.Library()

_LABELS = {
    "kind": dict(Kind.choices),
    "role": dict(Role.choices),
    "selection": dict(Selection.choices),
    "sector": dict(Sector.choices),
    "portfolio": dict(Portfolio.choices),
}


def _label(choices: str, value) -> str:
    return _LABELS[choices].get(value, value or "")


@register.filter
def kind_label(value) -> str:
    """``pcn`` → ``Primary care network``."""
    return _label("kind", value)


@register.filter
def role_label(value) -> str:
    """``partner_member`` → ``Partner member``."""
    return _label("role", value)


@register.filter
def selection_label(value) -> str:
    """``ex_officio`` → ``Ex officio``."""
    return _label("selection", value)


@register.filter
def sector_label(value) -> str:
    """``general_practice`` → ``General practice``."""
    return _label("sector", value)


@register.filter
def portfolio_label(value) -> str:
    """``finance`` → ``Finance``."""
    return _label("portfolio", value)


@register.filter
def is_link(value) -> bool:
    """Whether a source is a web address (shown as a link) rather than a citation."""
    return isinstance(value, str) and value.startswith(("https://", "http://"))


@register.filter
def percent(share) -> str:
    """A share between 0 and 1 as a whole percentage (``0.875`` → ``88%``); a dash when unknown."""
    if share is None:
        return "–"
    return f"{round(share * 100)}%"


@register.filter
def human_date(value) -> str:
    """A date, or an ISO date string from the path JSON, as ``1 April 2024``; empty when there is none."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return dates.in_words(value)


@register.filter
def stale_note(value) -> str:
    """ " — more than six months ago" after a source's date older than six months (``sources.stale_since``), else ""."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return ""
    if isinstance(value, datetime.date) and value < stale_since(timezone.localdate()):
        return " — more than six months ago"
    return ""
