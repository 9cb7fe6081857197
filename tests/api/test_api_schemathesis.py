"""Property-based tests of the whole API from its OpenAPI schema (schemathesis, through the WSGI app).

Every operation in ``/api/schema/`` is called with requests made from the schema, valid and invalid,
against a small realistic system (``test_api.gm``), and every answer is held to every conformance check
schemathesis has (``CHECKS``): no 500; status code, content type, headers and body as documented; a
request the schema forbids refused (4xx), one it allows taken; an undocumented method a 405 with
``Allow``; a write that needs a token refused without one. Two searches:

- the coverage phase: the schema's own cases, one by one (each enum value, each bound and just past
  it, each pattern broken, each type swapped, each undocumented method), all of them;
- the fuzzing phase: random requests, ``SCHEMATHESIS_MAX_EXAMPLES`` per operation (default 20;
  300 searches much harder, in minutes).

Both are derandomized: the same cases on every run. Random codes and ids name nothing, so in the parts
of a request made valid, each parameter that names a row (a code, an id, a person's name) is mostly
swapped for a real one (always, in the coverage phase): generated requests then also reach real
organisations, seats, people and appointments, and writes that succeed. Writes carry a superuser's
token three times in four (reads: half the time), and are rolled back.

A request the schema allows may still be refused, with a 400 naming its place, for what no OpenAPI
schema can say (``governance.api.errors.BEYOND_THE_SCHEMA``): a code or id that names nothing, an
organisation not open that day, parameters that exclude or need each other, a governance rule. Those
refusals are marked here (``REFUSED_BEYOND``) and only those are let through ``positive_data_acceptance``.

The same operations are also called as OPTIONS (whatever the format, the answer describes the view in
JSON, never a 500) and, where the schema offers ``format=csv``, as CSV (held to the same checks).
"""

import os

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from schemathesis.checks import (
    allow_header_conformance,
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)
from schemathesis.config import SchemathesisConfig
from schemathesis.core import NOT_SET
from schemathesis.core.parameters import ParameterLocation

from governance import caching
from governance.api import errors
from governance.models import BODY_KINDS, Appointment, Organisation, Person, Seat
from icsmap.wsgi import application
from tests import builders
from tests.builders import API, codes

# Fixtures shared with the read tests (assigned, not imported, so that test arguments may name them).
client, gm = builders.api_client, builders.api_system

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
# The coverage phase alone (schemathesis leaves it out of a test that draws data of its own).
COVERAGE = SchemathesisConfig.from_dict({"phases": {"examples": {"enabled": False}, "fuzzing": {"enabled": False}}})
coverage_schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=COVERAGE)

REFUSED_BEYOND = "X-Test-Refused-Beyond-The-Schema"


def positive_data_acceptance_within_the_schema(ctx, response, case):
    """``positive_data_acceptance``, but for a 400 that refuses what no schema can say (``REFUSED_BEYOND``)."""
    if response.status_code == 400 and REFUSED_BEYOND.lower() in response.headers:
        return None
    return positive_data_acceptance(ctx, response, case)


# Every check schemathesis has for an answer. Not among them: use_after_free and ensure_resource_availability
# (stateful runs only; the API has no deletes) and object_level_authorization (every object is public to read).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance_within_the_schema,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
    ignored_auth,
]
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
RESOURCES = {"seats": "seat", "people": "person", "appointments": "appointment"}  # whose ids an {id} is
DATES = ["2022-07-01", "2023-04-01", "2024-03-31", "2025-01-31", "2026-11-22", "2100-12-31"]
DATE_FIELDS = ("from", "to", "date")  # swapped in bodies only: any valid date in a query answers
NAMES = ["Illustrative Holder A", "Illustrative Partner", "Someone New"]
OFTEN = st.sampled_from([True, True, True, False])
LOCATIONS = [ParameterLocation.PATH, ParameterLocation.QUERY, ParameterLocation.BODY]


@pytest.fixture
def world(gm):
    """The system of ``test_api.gm``, a superuser's token, and the values that name its rows."""
    user = User.objects.create_superuser("fuzzer", password=None)
    every_code = sorted(Organisation.objects.values_list("code", flat=True))
    bodies = sorted(Organisation.objects.filter(kind__in=BODY_KINDS).values_list("code", flat=True))
    ids = {
        "seat": sorted(Seat.objects.values_list("pk", flat=True)),
        "person": sorted(Person.objects.values_list("pk", flat=True)),
        "appointment": sorted(Appointment.objects.values_list("pk", flat=True)),
    }
    return {
        "token": Token.objects.create(user=user).key,
        "ids": ids,
        "values": {
            **dict.fromkeys(["code", "parent", "represents"], every_code),
            "body": [*bodies, "QOP"],
            "system": sorted(Organisation.objects.filter(parent=None).values_list("code", flat=True)),
            "codes": [",".join(every_code[:3]), every_code[-1], f"{every_code[0]},{every_code[0]}"],
            "seat": ids["seat"],
            "person": ids["person"],
            **dict.fromkeys(DATE_FIELDS, DATES),  # in bodies only: query dates stay generated
            "person_name": NAMES,
            "label": [*Seat.objects.values_list("label", flat=True)[:2], "A new seat"],
            "max_holders": [1, 2],
        },
    }


@pytest.fixture
def same_connection():
    """Keep the test's connection (and its transaction) open across requests.

    Django closes a connection at the start and end of each request when it is not in
    autocommit mode, which a test's transaction never is. Django's test client turns that off
    around its requests; a plain WSGI client has to be told the same.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def refusals_marked(monkeypatch, same_connection):
    """Mark each 400 that refuses what no schema can say (``errors.beyond_the_schema``) for the check above."""

    def handler(exc, context):
        response = errors.exception_handler(exc, context)
        if response is not None and response.status_code == 400 and errors.beyond_the_schema(exc):
            response[REFUSED_BEYOND] = "yes"
        return response

    monkeypatch.setattr(api_settings, "EXCEPTION_HANDLER", handler)


def realistic(case, world, pick) -> None:
    """In the parts of ``case`` made valid, swap each parameter that names a row for a real one, where ``pick``
    says (``pick(name, values)``: one of ``values``, or None to keep what was generated)."""
    values = {
        **world["values"],
        "id": [str(pk) for pk in world["ids"].get(RESOURCES.get(case.operation.path.split("/")[3]), [])],
    }
    if case.operation.path.startswith("/api/v1/systems/"):
        values["code"] = values["system"]
    parts = {
        ParameterLocation.PATH: case.path_parameters,
        ParameterLocation.QUERY: case.query,
        ParameterLocation.BODY: case.body,
    }
    for location in LOCATIONS:
        parameters = parts[location]
        if not isinstance(parameters, dict) or (case.meta is not None and case.meta.is_negative_at(location)):
            continue
        for name in list(parameters):
            if name in DATE_FIELDS and location is not ParameterLocation.BODY:
                continue
            chosen = pick(name, values[name]) if values.get(name) else None
            if chosen is not None:
                parameters[name] = chosen


def drawn(data):
    """A ``pick`` for ``realistic``: three times in four a real value, drawn."""
    return lambda name, values: (
        data.draw(st.sampled_from(values), label=name) if data.draw(OFTEN, label=f"real {name}") else None
    )


def first(name, values):
    """A ``pick`` for ``realistic``: always the first real value."""
    return values[0]


MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "20"))


def search(max_examples: int):
    """Hypothesis settings for a run: derandomized, so the same cases on every run (and in CI)."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


def offers_csv(operation) -> bool:
    """Whether an operation documents a ``format`` parameter that may be ``csv``."""
    return any(
        parameter.get("name") == "format" and "csv" in parameter.get("schema", {}).get("enum", [])
        for parameter in operation.definition.raw.get("parameters", [])
    )


def call(case, world, signed_in: bool, checks):
    """Call a case with or without a token, its writes rolled back; the response."""
    headers = {"Authorization": f"Token {world['token']}"} if signed_in else {}
    caching.reset()  # caches are keyed by data version, which writes that never commit do not bump
    with transaction.atomic():  # every case starts from the same data: its writes are rolled back
        response = case.call_and_validate(headers=headers, checks=checks)
        transaction.set_rollback(True)
    return response


def signs_in(case, data) -> bool:
    return data.draw(OFTEN if case.method in WRITES else st.booleans(), label="signed in")


@coverage_schema.parametrize()
@search(1)  # the coverage phase makes its own cases, every one of them
def test_the_schemas_own_cases_are_answered_as_it_says(case, world, refusals_marked):
    realistic(case, world, first)
    call(case, world, signed_in=True, checks=CHECKS)


@schema.parametrize()
@schema.given(data=st.data())
@search(MAX_EXAMPLES)
def test_generated_requests_are_answered_as_the_schema_says(case, data, world, refusals_marked):
    realistic(case, world, drawn(data))
    call(case, world, signs_in(case, data), CHECKS)


@schema.include(method="GET").include(func=lambda ctx: offers_csv(ctx.operation)).parametrize()
@schema.given(data=st.data())
@search(max(MAX_EXAMPLES // 4, 5))
def test_generated_csv_requests_are_answered_as_the_schema_says(case, data, world, refusals_marked):
    realistic(case, world, drawn(data))
    case.query = {**(case.query or {}), "format": "csv"}
    response = call(case, world, signs_in(case, data), CHECKS)
    expected = "text/csv" if response.status_code == 200 else "application/json"
    assert response.headers["content-type"][0].startswith(expected)


@schema.parametrize()
@schema.given(data=st.data(), fmt=st.sampled_from([None, "json", "csv", "yaml", "api"]))
@search(max(MAX_EXAMPLES // 4, 5))
def test_generated_options_requests_describe_the_view_in_json(case, data, fmt, world, refusals_marked):
    realistic(case, world, drawn(data))
    case.method, case.body = "OPTIONS", NOT_SET  # the schema documents no OPTIONS: no conformance
    if fmt:
        case.query = {**(case.query or {}), "format": fmt}
    response = call(case, world, signs_in(case, data), [not_a_server_error])
    assert response.status_code in (200, 400, 404, 429), response.status_code
    if fmt != "api":  # the browsable API's OPTIONS is its HTML page
        assert response.headers["content-type"][0] == "application/json"
        response.json()


# What the fuzzing found ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/organisations/", "/organisations/00T/children/"])
def test_an_ordering_that_names_nothing_keeps_the_default_order(client, gm, url):
    # django-filter turned ?ordering=, into order_by(): an unordered page (a warning, an error under tests).
    response = client.get(f"{API}{url}", {"ordering": ","})

    assert response.status_code == 200
    assert codes(response) == sorted(codes(response))


def test_since_with_an_offset_postgresql_cannot_hold_is_not_a_500(client, gm):
    # ISO 8601 (and Python) take offsets up to ±23:59; PostgreSQL refuses those past ±15:59.
    response = client.get(f"{API}/changes/", {"since": "2026-01-01T00:00:00-20:37"})

    assert response.status_code == 200
    assert response.json()["since"] == "2026-01-01T00:00:00-20:37"
    in_utc = client.get(f"{API}/changes/", {"since": "2026-01-01T20:37:00Z"}).json()
    assert response.json()["results"] == in_utc["results"]


def test_the_schema_describes_icbs_and_governance_files_as_they_are(client, gm):
    openapi = client.get("/api/schema/", {"format": "json"}).json()

    assert openapi["components"]["schemas"]["Organisation"]["properties"]["parent"]["nullable"] is True
    icb = client.get(f"{API}/organisations/", {"kind": "icb"}).json()["results"][0]
    assert icb["parent"] is None
    governance = openapi["paths"]["/api/v1/systems/{code}/governance/"]["get"]["responses"]["200"]["content"]
    # A file is the same object, whatever its format, typed for generated clients.
    assert governance["application/yaml"]["schema"] == governance["application/json"]["schema"]
    assert governance["application/json"]["schema"]["$ref"] == "#/components/schemas/GovernanceFile"
