"""Pages as of a date: ``?date=YYYY-MM-DD`` (default today), or a 400 page that says what went wrong.

Every page that shows a date's structure takes its date here, by the one parser
(``governance.domain.dates``), so each refuses a malformed date alike and none repeats it.
"""

import datetime
import functools

from django.shortcuts import render
from django.utils import timezone

from governance.domain import dates


def bad_date(request, error: dates.BadDate):
    """The 400 page for a malformed or out-of-range ``?date=``, in words for people rather than programs."""
    if isinstance(error, dates.DateOutOfRange):
        message = f"icsmap holds no structure for {error.text}: {dates.RANGE_RULE}."
    else:
        message = (
            f"“{error.text}” is not a date. Give the date as YYYY-MM-DD, for example {timezone.localdate():%Y-%m-%d}."
        )
    return render(request, "governance/bad_request.html", {"message": message}, status=400)


def as_of_page(view):
    """``view`` as of the request's ``?date=``, given to it as ``date``; a malformed date is the 400 page.

    The date is read before anything else, so a bad one is a 400 whatever the rest of the address.
    """

    @functools.wraps(view)
    def page(request, *args, **kwargs):
        try:
            date = dates.as_of(request.GET.get("date"))
        except dates.BadDate as error:
            return bad_date(request, error)
        request.as_of = date  # read by ``other_day``: the banner and the links that keep the date
        return view(request, *args, date=date, **kwargs)

    page.takes_date = True  # kept by functools.wraps (the page cache's too): tests find every dated page
    return page


def other_day(request) -> datetime.date | None:
    """The day ``request``'s page shows when that is not today, else None.

    A page of another day says so at its top and every link on it keeps the day
    (``{% dated_url %}`` in ``governance.templatetags.icsmap``), so one click does not
    silently bring the reader back to today.
    """
    day = getattr(request, "as_of", None)
    return day if day is not None and day != timezone.localdate() else None
