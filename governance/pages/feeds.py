"""Atom feeds of what changed (Django's syndication framework): one per system, one for everything.

A feed's id and each entry's are ``tag:`` URIs (RFC 4151) that do not depend on the host that
serves them (``TAG``); the feed names its author (RFC 4287 requires one, for the feed or each entry).
Served through the page cache, so a reader's revalidation is a 304 while the data is unchanged.
Each entry is one ``governance.reading.changes.Change``, an event the system's timeline lists too
(``governance.reading.happened``); its ``updated`` and ``published`` are the day the change took
effect (midnight UTC), its link the page showing it on that day, its title and summary the words of
``governance.reading.events`` (the summary is the sentence the timeline tells the same change in),
its category the kind of change.
"""

import datetime
from typing import NamedTuple

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from governance.caching.pages import data_version
from governance.domain.lookups import can_match
from governance.models import Organisation
from governance.models.codes import printable
from governance.reading import voice
from governance.reading.changes import Change, recent_changes
from governance.reading.paths import graph_for


class Subject(NamedTuple):
    """What a feed is of: one system (None: every one), read in the request's data version."""

    system: Organisation | None
    version: str


# The tagging entity of every id: a feed reader recognises an entry it has seen, whichever host served it.
TAG = "tag:icsmap,2026:"


def _midnight(date: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(date, datetime.time.min, tzinfo=datetime.UTC)


class ChangesFeed(Feed):
    """What changed everywhere: ``/feed/``."""

    feed_type = Atom1Feed
    title = "icsmap: what changed in every system"
    subtitle = (
        "Organisations opened and closed, successions, units joining and leaving a system, PCN moves, "
        "seats added or fallen vacant, appointments started and ended."
    )
    author_name = "icsmap"

    def feed_guid(self, obj) -> str:
        return f"{TAG}feed" if obj.system is None else f"{TAG}feed/{obj.system.code}"

    def get_object(self, request, *args, **kwargs):
        return Subject(None, data_version(request).key)

    def link(self, obj):
        return reverse("governance:home")

    def items(self, obj) -> list[Change]:
        return recent_changes(obj.system.pk if obj.system else None, version=obj.version)

    def item_title(self, item: Change) -> str:
        return printable(item.title)

    def item_description(self, item: Change) -> str:
        return printable(item.description)

    def item_link(self, item: Change) -> str:
        return f"{reverse('governance:organisation', args=[item.organisation])}?date={item.date.isoformat()}"

    def item_guid(self, item: Change) -> str:
        return f"{TAG}{item.key}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Change) -> datetime.datetime:
        return _midnight(item.date)

    def item_updateddate(self, item: Change) -> datetime.datetime:
        return _midnight(item.date)

    def item_categories(self, item: Change) -> list[str]:
        return [item.kind]


class SystemChangesFeed(ChangesFeed):
    """What changed in one system: ``/organisations/<ICB code>/feed/``."""

    def get_object(self, request, code):
        if not can_match(code):  # a NUL, which PostgreSQL refuses: no such system
            raise Http404("No such system.")
        system = get_object_or_404(Organisation, code=code)
        if system.parent_id is not None:
            raise Http404("Feeds are per system: use the ICB's code.")
        return Subject(system, data_version(request).key)

    def title(self, obj):
        return printable(f"icsmap: what changed in {obj.system.name}")

    def link(self, obj):
        return reverse("governance:organisation", args=[obj.system.code])

    def subtitle(self, obj):
        """What changes, and today's routes of its practices: reaching, broken and not recorded apart."""
        graph = graph_for(obj.system.pk, timezone.localdate(), obj.version)
        return printable(f"{ChangesFeed.subtitle} {voice.routes_in_words(voice.summarise(graph))}")
