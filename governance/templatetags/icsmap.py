"""Template filters and tags for icsmap's pages: labels for stored codes, shares as percentages, dates in
words and their age, and the addresses of pages on the day the page shows (``dated_url``)."""

import datetime
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import timezone

from governance.domain import dates
from governance.models import Kind, Portfolio, Role, Sector, Selection
from governance.pages.as_of import other_day
from governance.reading import voice
from governance.reading.as_of import acting_words as _acting_words
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
def acting_words(holder: dict) -> str:
    """ " (acting)" after the name of a holder the source names as acting, else nothing (``as_of.acting_words``)."""
    return _acting_words(holder)


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
def layer_label(layer) -> str:
    """``0`` → ``top board · layer 0``, ``2`` → ``layer 2``, None → ``not on a route to the board``."""
    return voice.layer_words(layer)


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


@register.simple_tag(takes_context=True)
def dated_url(context, name: str, *args, **query) -> str:
    """``{% url name args %}`` with ``query`` (``seat=3``), and ``?date=`` when this page shows another day.

    The one way a page links to another page: on a page of 1 January 2024 every link to an
    organisation, system, person, picture, timeline or comparison stays on 1 January 2024.
    """
    day = other_day(context.get("request"))
    if day is not None:
        query = {**query, "date": day.isoformat()}
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


@register.simple_tag(takes_context=True)
def shown_day(context) -> datetime.date | None:
    """The day this page shows when it is not today (``{% shown_day as day %}``), else None."""
    return other_day(context.get("request"))


@register.simple_tag(takes_context=True)
def today_url(context) -> str:
    """This page as it stands today: its address without ``date`` (other parameters kept)."""
    request = context["request"]
    query = request.GET.copy()
    query.pop("date", None)
    query.pop("page", None)  # page numbers of another day need not match today's
    return f"{request.path}?{query.urlencode()}" if query else request.path
