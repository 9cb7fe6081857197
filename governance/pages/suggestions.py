"""Suggest a correction: the form on every organisation page, its thank-you page, and the editors' feed.

Thin: ``governance.domain.suggestions`` checks and stores. This module reads the form, limits
each client address to ``SUGGESTIONS_PER_HOUR`` posts (then 429), and says in words why a
suggestion was refused. The form is never cached (it carries a CSRF token); a post without a
valid token is refused by Django's CSRF middleware (403) before it reaches here.
"""

import time

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from governance.domain import dates, permissions, suggestions
from governance.models import Organisation, Seat, Suggestion, SuggestionStatus
from governance.models.suggestions import WHAT_MAX
from icsmap.client_ip import client_ip

HOUR = 3600


class SuggestionForm(forms.Form):
    """What the reader fills in. Its only check is ``domain.suggestions.check``."""

    what = forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 6}))
    source = forms.CharField(required=False, strip=False)
    email = forms.CharField(required=False, strip=False)
    seat = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    def __init__(self, *args, organisation: Organisation, date, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation, self.date = organisation, date
        self.seats = list(Seat.objects.filter(body=organisation).order_by("label"))
        self.fields["seat"].choices = [("", "The organisation as a whole")] + [(s.pk, s.label) for s in self.seats]
        for name in ("what", "source", "email"):
            self.fields[name].validators = []  # the domain's check says it all, NUL characters included

    def clean(self):
        data = super().clean()
        seat = next((s for s in self.seats if s.pk == data.get("seat")), None)
        try:
            self.suggestion = suggestions.check(
                self.organisation,
                what=data.get("what", ""),
                source=data.get("source", ""),
                email=data.get("email", ""),
                seat=seat,
                date=self.date,
            )
        except suggestions.SuggestionRefused as refused:
            for field, message in refused.errors.items():
                self.add_error(field if field in self.fields else None, message)
        return data


def _over_limit(request) -> bool:
    """Count this post against its client address; whether it is over the hour's limit."""
    key = f"suggest:{client_ip(request) or '-'}:{int(time.time()) // HOUR}"
    cache.add(key, 0, HOUR)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, HOUR)
        count = 1
    return count > settings.SUGGESTIONS_PER_HOUR


@never_cache
@require_http_methods(["GET", "POST"])
def suggest(request, code):
    """``/organisations/<code>/suggest/``: the form (GET); store and thank (POST), or say why not."""
    organisation = get_object_or_404(Organisation, code=code)
    try:
        date = dates.as_of(request.POST.get("date") or request.GET.get("date"))
    except dates.BadDate as error:
        return render(
            request,
            "governance/bad_request.html",
            {"message": str(error)},
            status=400,
        )
    context = {"org": organisation, "date": date, "what_max": WHAT_MAX}
    if request.method == "POST":
        if _over_limit(request):
            context["limit"] = settings.SUGGESTIONS_PER_HOUR
            return render(request, "governance/suggest.html", context, status=429)
        form = SuggestionForm(request.POST, organisation=organisation, date=date)
        if form.is_valid():
            suggestions.submit(organisation, date=date, **form.suggestion)
            return redirect("governance:suggest-thanks", code=organisation.code)
        return render(request, "governance/suggest.html", {**context, "form": form}, status=400)
    seat = request.GET.get("seat", "")
    form = SuggestionForm(initial={"seat": seat if seat.isdigit() else ""}, organisation=organisation, date=date)
    return render(request, "governance/suggest.html", {**context, "form": form})


@never_cache
def thanks(request, code):
    """What happens next, after a suggestion was stored."""
    organisation = get_object_or_404(Organisation, code=code)
    return render(request, "governance/suggest_thanks.html", {"org": organisation})


class OpenSuggestionsFeed(Feed):
    """``/suggestions/feed/``: the open suggestions of the signed-in editor's systems (Atom), newest first."""

    feed_type = Atom1Feed
    title = "icsmap: suggestions waiting for your review"
    author_name = "icsmap"

    def __call__(self, request, *args, **kwargs):
        if not permissions.has_any_system(request.user):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    def get_object(self, request, *args, **kwargs):
        return request.user

    def link(self, obj):
        return reverse("admin:governance_suggestion_changelist")

    def feed_guid(self, obj):
        return f"tag:icsmap,2026:suggestions:{obj.pk}"

    def items(self, obj):
        waiting = Suggestion.objects.filter(status=SuggestionStatus.NEW).select_related("organisation", "seat")
        if not obj.is_superuser:
            waiting = waiting.filter(system__in=permissions.editable_systems(obj))
        return waiting[:50]

    def item_title(self, item: Suggestion) -> str:
        seat = f" — {item.seat.label}" if item.seat_id else ""
        return f"{item.organisation.name}{seat}"

    def item_description(self, item: Suggestion) -> str:
        return f"{item.what}\n\nSource: {item.source}"

    def item_link(self, item: Suggestion) -> str:
        return reverse("admin:governance_suggestion_change", args=[item.pk])

    def item_guid(self, item: Suggestion) -> str:
        return f"tag:icsmap,2026:suggestion:{item.pk}"

    item_guid_is_permalink = False

    def item_updateddate(self, item: Suggestion):
        return item.created
