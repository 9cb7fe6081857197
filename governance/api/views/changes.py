"""What was written to the database since a moment (for clients that keep a copy in sync)."""

import datetime

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from governance.api import access, params, schema, serializers
from governance.api.caching import ApiView
from governance.api.errors import bad_parameters
from governance.domain import history
from governance.models import Organisation

MAX_CHANGES = 5000
DEFAULT_CHANGES = 500


class ChangesView(ApiView, generics.GenericAPIView):
    """What was written to the database since a moment, oldest first, for clients that keep a copy in sync.

    Not what changed in the NHS on which day: that is a system's timeline (``SystemViewSet.timeline``).
    """

    queryset = Organisation.objects.none()  # for the schema; the changes come from history
    serializer_class = serializers.ChangesSerializer
    permission_classes = access.READ_OR_EDIT
    filter_backends = []
    pagination_class = None

    @extend_schema(
        summary="Changes since a date or time (for clients that sync)",
        description="Every created, changed and deleted organisation, seat, person and appointment after `since`, "
        "oldest first, at most `limit`. To keep up, ask again with `since=<until>` while `truncated` is true. "
        "Changes made at the same instant are never split between two answers: an answer may hold fewer than "
        "`limit` for that reason, or more when over `limit` changes share one instant (an ODS import records all "
        "its rows at one). With `system`, only that system's organisations, seats and appointments (people are "
        "shared between systems: only listed without `system`). These are writes to this database, at the time "
        "they were made (an import, an edit), not changes in the NHS: for what changed in a system and on which "
        "day it took effect (practices opened and closed, PCN moves, successions, appointments), see "
        "`systems/<code>/timeline/`.",
        parameters=[
            OpenApiParameter(
                "since",
                {"type": "string", "pattern": params.MOMENT_PATTERN},
                required=True,
                description="ISO 8601: YYYY-MM-DD (its midnight) or YYYY-MM-DDThh:mm[:ss[.ffffff]][Z|±hh[[:]mm]], "
                "on a day from 1948-07-05 to 2100-12-31; without an offset, in the site's time zone (Europe/London).",
            ),
            OpenApiParameter("system", schema.CODE, description="ICB code: only that system's changes."),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": MAX_CHANGES, "default": DEFAULT_CHANGES},
                description=f"At most this many (default {DEFAULT_CHANGES}, at most {MAX_CHANGES}).",
            ),
        ],
        responses={
            200: serializers.ChangesSerializer,
            400: bad_parameters(
                ("since", params.DATETIME_ERROR % {"value": "yesterday"}),
                ("system", "No system (ICB) has the code 'X'."),
                ("limit", f"'0' is not a whole number from 1 to {MAX_CHANGES}."),
            ),
        },
    )
    def get(self, request):
        since = params.moment(request, "since")
        root = params.system_root(request, "system")
        limit = params.bounded_int(request, "limit", default=DEFAULT_CHANGES, maximum=MAX_CHANGES)
        # In UTC: PostgreSQL refuses offsets past ±15:59, which Python (and ISO 8601) allow.
        changes = history.changes_since(since.astimezone(datetime.UTC), root, limit=limit + 1)
        truncated = len(changes) > limit
        if truncated:
            # The next answer starts after `until`: keep together the changes of the instant the limit falls in.
            cut = changes[limit]["time"]
            kept = [change for change in changes[:limit] if change["time"] != cut]
            if not kept:  # more than `limit` changes at one instant: give them all
                instant = datetime.datetime.fromisoformat(cut)
                later = history.changes_since(instant - datetime.timedelta(microseconds=1), root)
                kept = [change for change in later if change["time"] == cut]
                truncated = len(later) > len(kept)
            changes = kept
        return Response(
            {
                "since": since.isoformat(),
                "until": changes[-1]["time"] if changes else since.isoformat(),
                "count": len(changes),
                "truncated": truncated,
                "results": changes,
            }
        )
