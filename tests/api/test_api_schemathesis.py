"""Property-based tests of the whole API from its OpenAPI schema (schemathesis, through the WSGI app).

Every operation in ``/api/schema/`` is called with inputs generated from the schema, valid and
invalid, against a small realistic system (``test_api.gm``); half the reads and most writes carry a
superuser's token, so writes get past authentication and reach the governance rules. No input may
make a 500, and every answer must match the schema's description of it.

Random codes and ids name nothing, so three times in four each parameter that names a row (a code, an
id, a date, a person's name) is swapped for a real or plausible one, and a write's body is stripped
of keys the API does not know: generated requests then also reach real organisations, seats,
people and appointments, and writes that succeed.

The same operations are also called as OPTIONS (whatever the format, the answer describes the view
in JSON, never a 500) and, where the schema offers ``format=csv``, as CSV (the answers must match the
schema as the JSON ones do; errors stay JSON).

``SCHEMATHESIS_MAX_EXAMPLES=300`` searches harder than the default 100 (about 2 minutes instead of 40 s);
the OPTIONS and CSV runs make a quarter as many.
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
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core import NOT_SET

from governance import caching
from governance.models import BODY_KINDS, Appointment, Organisation, Person, Seat
from icsmap.wsgi import application
from tests import builders
from tests.builders import API, codes

# Fixtures shared with the read tests (assigned, not imported, so that test arguments may name them).
client, gm = builders.api_client, builders.api_system

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

# Every check schemathesis has for an answer: no 500, each status code documented (the 400, 404 and
# 429 that any read may give are listed by governance.api.errors.document_common_errors), body,
# headers and content type as documented (an unmatched API URL is a JSON 404 too).
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    response_headers_conformance,
    content_type_conformance,
    status_code_conformance,
]
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
RESOURCES = {"seats": "seat", "people": "person", "appointments": "appointment"}  # whose ids an {id} is
DATES = ["2022-07-01", "2023-04-01", "2024-03-31", "2025-01-31", "2026-11-22", "2100-12-31"]
DATE_FIELDS = ("from", "to", "date")  # swapped in bodies only: any valid date in a query answers
NAMES = ["Illustrative Holder A", "Illustrative Partner", "Someone New"]
OFTEN = st.sampled_from([True, True, True, False])


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


def body_fields(operation) -> set[str]:
    """The names of the fields a write's body may have, from the schema."""
    content = schema.raw_schema["paths"][operation.path][operation.method.lower()]["requestBody"]["content"]
    reference = next(iter(content.values()))["schema"]["$ref"]  # "#/components/schemas/<Name>"
    return set(schema.raw_schema["components"]["schemas"][reference.rsplit("/", 1)[1]]["properties"])


def realistic(case, data, world) -> None:
    """Mostly, swap each parameter that names a row for a real one (and drop unknown body keys)."""
    values = {**world["values"], "id": world["ids"].get(RESOURCES.get(case.operation.path.split("/")[3]), [])}
    if case.operation.path.startswith("/api/v1/systems/"):
        values["code"] = values["system"]
    if isinstance(case.body, dict) and data.draw(OFTEN, label="known body keys only"):
        for name in set(case.body) - body_fields(case.operation):
            del case.body[name]
    for parameters in (case.path_parameters, case.query, case.body):
        if not isinstance(parameters, dict):
            continue
        for name in list(parameters):
            if name in DATE_FIELDS and parameters is not case.body:
                continue
            if values.get(name) and data.draw(OFTEN, label=f"real {name}"):
                parameters[name] = data.draw(st.sampled_from(values[name]), label=name)


MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "100"))


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


def call(case, data, world, checks):
    """Call a case with or without a token, its writes rolled back; the response."""
    signed_in = data.draw(OFTEN if case.method in WRITES else st.booleans(), label="signed in")
    headers = {"Authorization": f"Token {world['token']}"} if signed_in else {}
    caching.reset()  # caches are keyed by data version, which writes that never commit do not bump
    with transaction.atomic():  # every case starts from the same data: its writes are rolled back
        response = case.call_and_validate(headers=headers, checks=checks)
        transaction.set_rollback(True)
    return response


@schema.parametrize()
@schema.given(data=st.data())
@search(MAX_EXAMPLES)
def test_generated_requests_never_make_a_500_and_answers_match_the_schema(case, data, world, same_connection):
    realistic(case, data, world)
    call(case, data, world, CHECKS)


@schema.include(method="GET").include(func=lambda ctx: offers_csv(ctx.operation)).parametrize()
@schema.given(data=st.data())
@search(max(MAX_EXAMPLES // 4, 10))
def test_generated_csv_requests_never_make_a_500_and_answers_match_the_schema(case, data, world, same_connection):
    realistic(case, data, world)
    case.query = {**(case.query or {}), "format": "csv"}
    response = call(case, data, world, CHECKS)
    expected = "text/csv" if response.status_code == 200 else "application/json"
    assert response.headers["content-type"][0].startswith(expected)


@schema.parametrize()
@schema.given(data=st.data(), fmt=st.sampled_from([None, "json", "csv", "yaml", "api"]))
@search(max(MAX_EXAMPLES // 4, 10))
def test_generated_options_requests_describe_the_view_in_json(case, data, fmt, world, same_connection):
    realistic(case, data, world)
    case.method, case.body = "OPTIONS", NOT_SET  # the schema documents no OPTIONS: no conformance
    if fmt:
        case.query = {**(case.query or {}), "format": fmt}
    response = call(case, data, world, [not_a_server_error])
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
