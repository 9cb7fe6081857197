"""The fields every shape shares: ``from``/``to`` for ``start``/``end``, and what writes read.

Appointments say ``from``/``to`` (as the path's holders and the governance file
do), which Python cannot name as attributes; ``FromTo`` renames the fields.

Writes: each request has its own serializer (``seating``, ``organisations``): what may be sent, checked field by
field (400 naming the field); the governance rules run in ``governance.domain.seating`` under the write's locks.
Their dates, codes and refusal of unknown keys are here.
"""

from rest_framework import serializers

from governance.domain import dates
from governance.domain.dates import BadDate, parse_date
from governance.domain.lookups import can_match
from governance.models import Organisation, code_problem


class FromTo:
    """Expose the ``start``/``end`` fields as ``from``/``to``, keeping their place."""

    RENAMES = {"start": "from", "end": "to"}

    def get_fields(self):
        return {self.RENAMES.get(name, name): field for name, field in super().get_fields().items()}


class IsoDateField(serializers.DateField):
    """A date written exactly YYYY-MM-DD (as query parameters and governance files write them), in the range.

    The range is the domain's (``governance.domain.dates``): every writer refuses the same days.
    """

    EARLIEST, LATEST = dates.EARLIEST, dates.LATEST
    default_error_messages = {"range": "Give a date from {earliest} to {latest}."}

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                day = parse_date(value.strip())
            except BadDate:
                pass
            else:
                if not self.EARLIEST <= day <= self.LATEST:
                    self.fail("range", earliest=self.EARLIEST, latest=self.LATEST)
                return day
        self.fail("invalid", format="YYYY-MM-DD")


# Sent by HTML forms (the browsable API), never data.
IGNORED_KEYS = {"csrfmiddlewaretoken"}


class CodeField(serializers.SlugRelatedField):
    """An organisation given by its code, with the messages the query parameters use."""

    default_error_messages = {
        "does_not_exist": "No organisation has the code '{value}'.",
        "invalid": "Not an organisation code.",
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Organisation.objects.all(), **kwargs)

    def to_internal_value(self, data):
        if not can_match(data):
            self.fail("invalid")
        problem = code_problem(data)  # no organisation can have it: say why rather than "not found"
        if problem:
            raise serializers.ValidationError(problem, code="invalid")
        return super().to_internal_value(data)


class OnlyKnownFields:
    """Refuse keys the request may not set, rather than ignore them silently."""

    fixed: dict[str, str] = {}  # key -> why it cannot be sent

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, f in self.fields.items() if not f.read_only}
            unknown = {
                key: [self.fixed.get(key, "Unknown field.")]
                for key in data
                if key not in writable and key not in IGNORED_KEYS
            }
            if unknown:
                raise serializers.ValidationError(unknown)
        return super().to_internal_value(data)
