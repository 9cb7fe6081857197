"""The fields every shape shares: ``from``/``to`` for ``start``/``end``, and what writes read.

Appointments say ``from``/``to`` (as the path's holders and the governance file
do), which Python cannot name as attributes; ``FromTo`` renames the fields.

Writes: each request has its own serializer (``seating``, ``organisations``): what may be sent, checked field by
field (400 naming the field); the governance rules run in ``governance.domain.seating`` under the write's locks.
Their dates, codes, names and refusal of unknown keys are here, each with what the OpenAPI schema says of it.
"""

from django.http import QueryDict
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.api import schema
from governance.domain import dates
from governance.domain.dates import BadDate, parse_date
from governance.domain.lookups import can_match
from governance.models import Organisation, code_problem, validate_name


class FromTo:
    """Expose the ``start``/``end`` fields as ``from``/``to``, keeping their place."""

    RENAMES = {"start": "from", "end": "to"}

    def get_fields(self):
        return {self.RENAMES.get(name, name): field for name, field in super().get_fields().items()}


@extend_schema_field(schema.DATE)
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


@extend_schema_field(schema.CODE)
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


@extend_schema_field(schema.TEXT)
class TextField(serializers.CharField):
    """Text: anything but NUL (DRF refuses it, as the schema says)."""


@extend_schema_field(schema.NAME)
class NameField(serializers.CharField):
    """A name or a seat's label: the name rule (``models/codes.py``), its ends trimmed, never blank."""

    def __init__(self, **kwargs):
        super().__init__(validators=[validate_name], **kwargs)


# A JSON body's values have the JSON types the schema gives their fields: DRF alone would take 0 for a string,
# "true" for a boolean and "2" for a number. Each refusal is said in the field's own words. (Choices, dates and
# codes refuse any other type themselves; a form, which has strings only, is read as DRF reads it.)
JSON_TYPES = [
    (serializers.BooleanField, bool, "invalid"),
    (serializers.IntegerField, int, "invalid"),
    (serializers.PrimaryKeyRelatedField, int, "incorrect_type"),
    (serializers.CharField, str, "invalid"),
]


def json_type_problem(field: serializers.Field, value) -> str | None:
    """Why ``value``, read from JSON, is not of the JSON type of ``field``; None when it is (null is the field's)."""
    if value is None:
        return None
    for kind, json_type, error in JSON_TYPES:
        if isinstance(field, kind):
            if isinstance(value, json_type) and (json_type is bool or not isinstance(value, bool)):
                return None
            return field.error_messages[error].format(data_type=type(value).__name__)
    return None


class OnlyKnownFields:
    """Refuse keys the request may not set, rather than ignore them silently; values of another JSON type than
    their field's; and keys sent together that exclude each other (``exactly_one_of``: one of them, never both
    nor neither)."""

    fixed: dict[str, str] = {}  # key -> why it cannot be sent
    exactly_one_of: tuple[str, ...] = ()
    exactly_one_of_message = ""  # said under the first of them

    def validate(self, attrs):
        if self.exactly_one_of and sum(name in attrs for name in self.exactly_one_of) != 1:
            raise serializers.ValidationError({self.exactly_one_of[0]: [self.exactly_one_of_message]})
        return super().validate(attrs)

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
        if isinstance(data, dict) and not isinstance(data, QueryDict):  # JSON, not a form
            fields = self.fields
            typed = {key: json_type_problem(fields[key], value) for key, value in data.items() if key in fields}
            wrong = {key: [problem] for key, problem in typed.items() if problem}
            if wrong:
                raise serializers.ValidationError(wrong)
        return super().to_internal_value(data)


class OnlyKnownFieldsSchema(OpenApiSerializerExtension):
    """The schema of a write says what ``OnlyKnownFields`` refuses: no key beyond its fields
    (``additionalProperties: false``), and one of ``exactly_one_of`` (``oneOf``)."""

    target_class = OnlyKnownFields
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        mapped = auto_schema._map_basic_serializer(self.target, direction)
        mapped["additionalProperties"] = False
        if self.target.exactly_one_of:
            mapped["oneOf"] = [{"required": [name]} for name in self.target.exactly_one_of]
        return mapped
