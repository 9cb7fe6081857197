"""The changes feed and a system's timeline: shapes for the schema."""

from rest_framework import serializers

from governance.api.serializers.fields import FromTo
from governance.api.serializers.organisations import OrganisationRefSerializer, SystemRefSerializer
from governance.models import SuccessionType
from governance.reading.timeline import KINDS as TIMELINE_KINDS

# The changes feed (``changes/?since=``): the shape of ``governance.domain.history.changes_since``, for the schema.


class FieldChangeSerializer(FromTo, serializers.Serializer):
    """One field's value before and after (organisations by code; dates as YYYY-MM-DD)."""

    start = serializers.JSONField(allow_null=True, help_text="The value before (null on creation).")
    end = serializers.JSONField(allow_null=True, help_text="The value after.")


class ChangeSerializer(serializers.Serializer):
    """One change to one object, named by the keys the governance file uses."""

    model = serializers.ChoiceField(choices=["organisation", "seat", "person", "appointment"])
    id = serializers.IntegerField(help_text="The object's id (it may have been deleted since).")
    key = serializers.DictField(
        help_text="As the governance file names it: organisation `code`; seat `board`, `label`; person `name`; "
        "appointment `board`, `label`, `name`, `from`."
    )
    change = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    time = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True, help_text="Who made it (username), if known.")
    reason = serializers.CharField(allow_null=True, help_text="e.g. `ODS import`.")
    changed_fields = serializers.ListField(child=serializers.CharField())
    changes = serializers.DictField(child=FieldChangeSerializer(), help_text="By field name.")


class ChangesSerializer(serializers.Serializer):
    """A batch of changes, oldest first; continue with ``since=<until>`` while ``truncated``."""

    since = serializers.DateTimeField()
    until = serializers.DateTimeField(
        help_text="The time of the last change returned (or `since` if none): the next request's `since`."
    )
    count = serializers.IntegerField()
    truncated = serializers.BooleanField(help_text="More changes follow: ask again from `until`.")
    results = ChangeSerializer(many=True)


# The timeline (``systems/<code>/timeline/``): the shape of ``governance.reading.timeline``, for the schema.


class TimelineSeatSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()


class TimelinePersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TimelineEventSerializer(FromTo, serializers.Serializer):
    """One change, on the day it took effect; the fields after ``organisation`` come with some kinds only."""

    date = serializers.DateField(help_text="The day it took effect (for an ending: the first day without).")
    kind = serializers.ChoiceField(choices=list(TIMELINE_KINDS))
    text = serializers.CharField(help_text="The change in one sentence, for people.")
    organisation = OrganisationRefSerializer(
        help_text="What changed: the unit; the body of an appointment's seat; the system's side of a succession."
    )
    parent = OrganisationRefSerializer(
        required=False, allow_null=True, help_text="opened, closed: its parent that day (the last day, if closed)."
    )
    includes = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text="opened, closed, joined, left: what opened, closed or moved with it, counted by kind.",
    )
    start = OrganisationRefSerializer(
        required=False, allow_null=True, help_text="joined, left, moved, pcn_*: its parent the day before."
    )
    end = OrganisationRefSerializer(
        required=False, allow_null=True, help_text="joined, left, moved, pcn_*: its parent on the day."
    )
    from_system = SystemRefSerializer(
        required=False, allow_null=True, help_text="joined, pcn_move: the system it came from (null: none)."
    )
    to_system = SystemRefSerializer(
        required=False, allow_null=True, help_text="left, pcn_move: the system it went to (null: none)."
    )
    predecessor = OrganisationRefSerializer(required=False, help_text="succession: the one that closed or gave way.")
    successor = OrganisationRefSerializer(required=False, help_text="succession: the one that took over.")
    type = serializers.ChoiceField(choices=SuccessionType.choices, required=False, help_text="succession")
    seat = TimelineSeatSerializer(
        required=False, help_text="seat_added, appointment_started, appointment_seen, appointment_ended"
    )
    person = TimelinePersonSerializer(
        required=False, help_text="appointment_started, appointment_seen, appointment_ended"
    )
    source = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="appointment_seen: the source that shows the holder in post that day (they may have begun "
        "earlier: an appointment known only by the day it was seen is not an appointment that day).",
    )
    last_day = serializers.DateField(required=False, help_text="closed, appointment_ended: the last day.")
    vacant = serializers.BooleanField(
        required=False, help_text="appointment_ended: nobody held the seat on the event's day."
    )


class TimelineSerializer(FromTo, serializers.Serializer):
    """What changed in a system from one date to another (both included), in date order."""

    system = SystemRefSerializer()
    start = serializers.DateField()
    end = serializers.DateField()
    count = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="How many of each kind.")
    events = TimelineEventSerializer(many=True)
