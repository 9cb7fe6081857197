"""The read side of the REST API (/api/v1/), its schema and its docs."""

import re

import pytest

from governance import caching
from governance.domain import dates
from governance.models import CODE_PATTERN, Appointment, Seat
from governance.reading.paths import representation_path
from tests import builders
from tests.builders import API, BAD_DATES, ON, D, codes, org

pytestmark = pytest.mark.django_db

# The API tests' fixtures (assigned, not imported, so that test arguments may name them).
client, gm = builders.api_client, builders.api_system


# Organisations ---------------------------------------------------------------------------------


def test_organisation_list_is_paginated_with_items_in_the_documented_shape(client, gm):
    response = client.get(f"{API}/organisations/", {"page_size": 3})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 13 and len(body["results"]) == 3 and body["previous"] is None
    assert "page=2" in body["next"]
    practice = client.get(f"{API}/organisations/", {"q": "P00001"}).json()["results"][0]
    assert practice == {
        "code": "P00001",
        "name": "Alpha Surgery",
        "kind": "practice",
        "parent": "U00001",
        "system": "QOP",
        "opened": None,
        "closed": None,
        "postcode": "BL1 1AA",
        "url": "http://testserver/api/v1/organisations/P00001/",
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "practice"}, ["P00001", "P00002", "P00009"]),
        ({"kind": "practice", "system": "QOP"}, ["P00001", "P00009"]),
        ({"system": "QAA"}, ["99A", "P00002", "QAA", "U00002"]),
        ({"parent": "U00001"}, ["P00001", "P00009"]),
        ({"q": "surgery"}, ["P00001", "P00002", "P00009"]),
        ({"q": "qop-g"}, ["qop-gp-board"]),
        ({"kind": "practice", "active_on": "2025-02-01"}, ["P00001", "P00002"]),
        ({"kind": "practice", "active_on": "2025-01-31"}, ["P00001", "P00002", "P00009"]),
        ({"kind": "practice", "ordering": "-name"}, ["P00009", "P00002", "P00001"]),
        ({"kind": "place", "ordering": "name"}, ["00T", "99A"]),
    ],
)
def test_organisation_filters(client, gm, params, expected):
    response = client.get(f"{API}/organisations/", params)

    assert response.status_code == 200, response.json()
    assert codes(response) == expected


@pytest.mark.parametrize(
    ("params", "parameter", "fragment"),
    [
        ({"active_on": "x"}, "active_on", "'x' is not a date in the form YYYY-MM-DD."),
        ({"active_on": "2023-02-30"}, "active_on", "'2023-02-30' is not a date"),
        ({"kind": "planet"}, "kind", "planet"),
        ({"system": "U00001"}, "system", "No system (ICB) has the code 'U00001'."),
        ({"parent": "NOPE"}, "parent", "No organisation has the code 'NOPE'."),
        ({"ordering": "postcode"}, "ordering", "postcode"),
        ({"page": "abc"}, "page", "'abc' is not a page number"),
        ({"q": "a\x00b"}, "q", "Null characters"),
    ],
)
def test_bad_organisation_filters_are_400s_naming_the_parameter(client, gm, params, parameter, fragment):
    response = client.get(f"{API}/organisations/", params)

    assert response.status_code == 400
    assert list(response.json()) == [parameter]
    assert fragment in response.json()[parameter][0]


def test_a_page_past_the_end_is_a_404_not_a_500(client, gm):
    response = client.get(f"{API}/organisations/", {"page": "99"})

    assert response.status_code == 404
    assert "detail" in response.json()


def test_organisation_detail_has_ancestors_child_counts_and_seats(client, gm):
    org("P00003", "practice", gm["pcn"])

    pcn = client.get(f"{API}/organisations/U00001/").json()
    assert pcn["ancestors"] == [
        {"code": "QOP", "name": "NHS Greater Manchester ICB", "kind": "icb"},
        {"code": "00T", "name": "Bolton", "kind": "place"},
    ]
    assert pcn["child_counts"] == {"practice": 3}
    assert pcn["seats"] == []
    icb = client.get(f"{API}/organisations/QOP/").json()
    assert icb["child_counts"] == {"board": 3, "place": 1}
    assert icb["ancestors"] == [] and icb["parent"] is None and icb["system"] == "QOP"

    board = client.get(f"{API}/organisations/qop-gp-board/")  # lowercase, hyphenated slug
    assert board.status_code == 200
    [only] = board.json()["seats"]
    assert {k: only[k] for k in ("label", "role", "sector", "represents", "selection", "delegate", "voting")} == {
        "label": "Bolton locality representative",
        "role": "representative",
        "sector": "",
        "represents": "00T",
        "selection": "elected",
        "delegate": True,
        "voting": True,
    }
    assert only["max_holders"] == 1


def test_detail_is_not_hidden_by_list_filters(client, gm):
    assert client.get(f"{API}/organisations/QOP/", {"kind": "practice"}).status_code == 200


@pytest.mark.parametrize("url", ["/organisations/NOPE/", "/organisations/a\x00b/", "/organisations/a\x00b/children/"])
def test_unknown_organisation_is_a_json_404(client, gm, url):
    response = client.get(f"{API}{url}")

    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("url", ["/seats/1.5/", "/people/x/y/", "/nothing-here/"])
def test_an_api_url_that_matches_nothing_is_a_json_404(client, gm, url):
    response = client.get(f"{API}{url}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_page_url_that_matches_nothing_is_still_the_404_page(client, gm):
    response = client.get("/nothing-here/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_children_are_paginated_and_filterable(client, gm):
    response = client.get(f"{API}/organisations/QOP/children/", {"page_size": 2})

    body = response.json()
    assert body["count"] == 4
    assert codes(response) == ["00T", "qop-board"]
    assert codes(client.get(f"{API}/organisations/QOP/children/", {"kind": "place"})) == ["00T"]
    assert client.get(f"{API}/organisations/NOPE/children/").status_code == 404


def test_organisation_list_queries_do_not_grow_with_the_page(client, gm, django_assert_max_num_queries):
    # version, system, count, page; and England's structure in five (once per data version)
    with django_assert_max_num_queries(9):
        small = client.get(f"{API}/organisations/", {"page_size": 5, "system": "QOP"})
    assert len(small.json()["results"]) == 5
    for n in range(51):
        org(f"P1{n:04}", "practice", gm["pcn"])
    caching.reset()  # test writes never commit, so the data version (and the caches' keys) stay put
    with django_assert_max_num_queries(9):
        large = client.get(f"{API}/organisations/", {"page_size": 100, "system": "QOP"})
    assert len(large.json()["results"]) == 60


def test_organisation_detail_queries_are_bounded(client, gm, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):  # 4 (its names are the structure's), the data version, the structure (5)
        assert client.get(f"{API}/organisations/qop-board/").status_code == 200


# The path ---------------------------------------------------------------------------------------


def test_path_endpoint_returns_exactly_representation_path(client, gm):
    response = client.get(f"{API}/organisations/P00001/path/", {"date": ON})

    assert response.status_code == 200
    assert response.json() == representation_path("P00001", D(2026, 11, 22))
    assert response.json()["distance"] == 6
    assert response.json()["complete"] is False  # the GP board's seat ended, and the primary care seat is vacant
    earlier = client.get(f"{API}/organisations/P00001/path/", {"date": "2023-06-01"}).json()
    assert earlier == representation_path("P00001", D(2023, 6, 1))


def test_path_defaults_to_today(client, gm):
    assert client.get(f"{API}/organisations/P00001/path/").json() == representation_path("P00001")


def test_path_of_a_body_slug(client, gm):
    response = client.get(f"{API}/organisations/qop-gp-board/path/", {"date": ON})

    assert response.status_code == 200
    assert response.json()["organisation"]["code"] == "qop-gp-board"


def test_path_queries_are_bounded(client, gm, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):  # the organisation, England's structure (5), and the data version
        assert client.get(f"{API}/organisations/P00001/path/", {"date": ON}).status_code == 200


@pytest.mark.parametrize(
    ("code", "date", "message"),
    [
        ("NOPE", ON, "No organisation has the code 'NOPE'."),
        ("P00009", "2025-02-01", "was closed on 2025-02-01"),
        ("a\x00b", ON, "No organisation has that code."),
    ],
)
def test_path_of_unknown_or_closed_organisation_is_a_404_with_the_message(client, gm, code, date, message):
    response = client.get(f"{API}/organisations/{code}/path/", {"date": date})

    assert response.status_code == 404
    assert message in response.json()["detail"]


def test_path_of_not_yet_open_organisation_is_a_404(client, gm):
    org("P00010", "practice", gm["pcn"], opened=D(2027, 1, 1))

    response = client.get(f"{API}/organisations/P00010/path/", {"date": ON})

    assert response.status_code == 404
    assert "had not opened" in response.json()["detail"]


@pytest.mark.parametrize("bad", ["2023-02-30", "22/11/2026", "20261122", "tomorrow"])
def test_bad_path_date_is_a_400_naming_the_parameter(client, gm, bad):
    response = client.get(f"{API}/organisations/P00001/path/", {"date": bad})

    assert response.status_code == 400
    assert response.json() == {"date": [f"'{bad}' is not a date in the form YYYY-MM-DD."]}


@pytest.mark.parametrize("bad", BAD_DATES)
@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/organisations/P00001/path/", "date"),
        ("/paths/?codes=P00001", "date"),
        ("/systems/QOP/summary/", "date"),
        ("/organisations/", "active_on"),
        ("/seats/", "vacant_on"),
        ("/appointments/", "current_on"),
    ],
)
def test_the_same_bad_date_is_a_400_naming_the_parameter_everywhere(client, gm, url, parameter, bad):
    response = client.get(f"{API}{url}", {parameter: bad})

    assert response.status_code == 400
    assert response.json() == {parameter: [f"'{bad}' is not a date in the form YYYY-MM-DD."]}


@pytest.mark.parametrize("bad", BAD_DATES)
def test_the_same_bad_date_is_a_400_naming_since(client, gm, bad):
    response = client.get(f"{API}/changes/", {"since": bad})

    assert response.status_code == 400
    assert list(response.json()) == ["since"]
    assert response.json()["since"][0].startswith(f"'{bad}' is not a date (YYYY-MM-DD) or an ISO 8601 date and time")


# Many paths -------------------------------------------------------------------------------------


def test_paths_by_codes_keep_the_order_given_across_systems(client, gm):
    response = client.get(f"{API}/paths/", {"codes": "P00002, P00001,P00002", "date": ON})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["results"] == [representation_path(c, D(2026, 11, 22)) for c in ("P00002", "P00001")]


def test_paths_by_system_and_kind(client, gm):
    response = client.get(f"{API}/paths/", {"system": "QOP", "kind": "practice", "date": ON})

    assert response.status_code == 200
    assert [p["organisation"]["code"] for p in response.json()["results"]] == ["P00001"]  # P00009 is closed
    assert response.json()["results"][0] == representation_path("P00001", D(2026, 11, 22))
    everything = client.get(f"{API}/paths/", {"system": "QOP", "date": ON, "page_size": 2}).json()
    assert everything["count"] == 8 and len(everything["results"]) == 2 and everything["next"]


def test_bulk_paths_load_each_system_once(client, gm, django_assert_max_num_queries):
    practices = [org(f"P2{n:04}", "practice", gm["pcn"]).code for n in range(30)]

    with django_assert_max_num_queries(7):  # 6, and the data version
        by_system = client.get(f"{API}/paths/", {"system": "QOP", "kind": "practice", "page_size": 100, "date": ON})
    assert by_system.json()["count"] == 31
    with django_assert_max_num_queries(7):
        by_codes = client.get(f"{API}/paths/", {"codes": ",".join(practices), "page_size": 100, "date": ON})
    assert by_codes.json()["count"] == 30
    assert all(p["distance"] == 6 for p in by_codes.json()["results"])
    # two systems: bounded by the number of systems
    with django_assert_max_num_queries(8):
        assert client.get(f"{API}/paths/", {"codes": f"{practices[0]},P00002", "date": ON}).status_code == 200


@pytest.mark.parametrize(
    ("params", "parameter", "fragment"),
    [
        ({"codes": ""}, "codes", "Give codes= or system="),  # a blank parameter is one left out
        ({"codes": " , "}, "codes", "Give at least one organisation code"),
        ({"codes": "P00001,,P 2"}, "codes", "'P 2' is not an organisation code"),
        ({}, "codes", "Give codes= or system="),
        ({"codes": "P00001,NOPE,ZZZ"}, "codes", "No organisation has the code 'NOPE'."),
        ({"codes": "P00009", "date": "2025-06-01"}, "codes", "P00009 was not open on 2025-06-01."),
        ({"codes": "P00001", "date": "2023-02-30"}, "date", "'2023-02-30' is not a date"),
        ({"codes": "P00001", "system": "QOP"}, "codes", "not both"),
        ({"codes": "P00001", "kind": "practice"}, "kind", "goes with system"),
        ({"system": "NOPE"}, "system", "No system (ICB) has the code 'NOPE'."),
        ({"system": ""}, "codes", "Give codes= or system="),
        ({"system": "QOP", "kind": "planet"}, "kind", "'planet' is not a kind"),
        ({"system": "QOP", "page": "abc"}, "page", "not a page number"),
    ],
)
def test_bad_bulk_path_requests_are_400s_naming_the_parameter(client, gm, params, parameter, fragment):
    response = client.get(f"{API}/paths/", params)

    assert response.status_code == 400
    assert list(response.json()) == [parameter]
    assert fragment in response.json()[parameter][0]


def test_unknown_codes_are_all_named(client, gm):
    response = client.get(f"{API}/paths/", {"codes": "P00001,NOPE,ZZZ"})

    assert response.json() == {"codes": ["No organisation has the code 'NOPE'.", "No organisation has the code 'ZZZ'."]}


# Seats, people, appointments -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {},  # by body code, then label
            [
                "Partner member (primary medical services)",
                "Bolton locality representative",
                "GP board representative",
                "Primary care board representative",
            ],
        ),
        ({"body": "qop-gp-board"}, ["Bolton locality representative"]),
        ({"represents": "qop-primary-care-board"}, ["Primary care board representative"]),
        ({"sector": "general_practice"}, ["Partner member (primary medical services)"]),
        ({"vacant_on": ON}, ["GP board representative", "Primary care board representative"]),
        ({"vacant_on": "2024-01-01"}, ["Primary care board representative"]),
        ({"vacant_on": "2022-01-01", "body": "qop-board"}, ["Partner member (primary medical services)"]),
    ],
)
def test_seat_filters(client, gm, params, expected):
    response = client.get(f"{API}/seats/", params)

    assert response.status_code == 200, response.json()
    assert [s["label"] for s in response.json()["results"]] == expected


def test_a_seat_whose_holders_are_not_recorded_is_never_vacant_on_a_date(client, gm):
    Seat.objects.filter(label="Primary care board representative").update(holders_recorded=False)

    response = client.get(f"{API}/seats/", {"vacant_on": ON})

    assert [s["label"] for s in response.json()["results"]] == ["GP board representative"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [({"body": "NOPE"}, "body"), ({"vacant_on": "soon"}, "vacant_on"), ({"sector": "x"}, "sector")],
)
def test_bad_seat_filters_are_400s(client, gm, params, parameter):
    response = client.get(f"{API}/seats/", params)

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_people_list_and_detail_with_appointments(client, gm):
    listing = client.get(f"{API}/people/").json()
    assert [p["name"] for p in listing["results"]] == [
        "Illustrative Holder A",
        "Illustrative Holder B",
        "Illustrative Partner",
    ]
    assert [p["name"] for p in client.get(f"{API}/people/", {"q": "partner"}).json()["results"]] == [
        "Illustrative Partner"
    ]

    person = client.get(f"{API}/people/{gm['a'].person_id}/").json()
    assert person["name"] == "Illustrative Holder A"
    [appointment] = person["appointments"]
    assert appointment["seat_label"] == "Bolton locality representative"
    assert appointment["body"] == "qop-gp-board"
    assert appointment["from"] == "2023-04-01" and appointment["to"] is None
    assert appointment["source"] == "https://example.org/a"
    assert client.get(f"{API}/people/999999/").status_code == 404
    assert client.get(f"{API}/people/99999999999999999999999/").status_code == 404
    assert client.get(f"{API}/people/abc/").status_code == 404


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"current_on": ON}, ["Illustrative Holder A", "Illustrative Partner"]),
        ({"current_on": "2024-03-31"}, ["Illustrative Holder A", "Illustrative Holder B", "Illustrative Partner"]),
        ({"current_on": "2022-12-01"}, ["Illustrative Partner"]),
    ],
)
def test_appointment_current_on_filter(client, gm, params, expected):
    response = client.get(f"{API}/appointments/", params)

    assert response.status_code == 200
    assert sorted(a["person_name"] for a in response.json()["results"]) == expected


def test_appointment_person_and_seat_filters(client, gm):
    by_person = client.get(f"{API}/appointments/", {"person": gm["a"].person_id}).json()["results"]
    by_seat = client.get(f"{API}/appointments/", {"seat": gm["partner"].pk}).json()["results"]

    assert [a["seat_label"] for a in by_person] == ["Bolton locality representative"]
    assert [a["person_name"] for a in by_seat] == ["Illustrative Partner"]
    assert by_seat[0]["from"] == "2022-07-01" and by_seat[0]["body"] == "qop-board"


def test_appointment_term_ends_filters_find_terms_due_to_end_between_two_dates(client, gm):
    Appointment.objects.filter(person__name="Illustrative Holder A").update(term_ends=D(2027, 3, 31))
    Appointment.objects.filter(person__name="Illustrative Partner").update(term_ends=D(2026, 12, 31))

    def names(**params):
        response = client.get(f"{API}/appointments/", params)
        assert response.status_code == 200, response.json()
        return sorted(a["person_name"] for a in response.json()["results"])

    assert names(term_ends_after="2026-12-01", term_ends_before="2027-01-31") == ["Illustrative Partner"]
    assert names(term_ends_after="2026-12-31") == ["Illustrative Holder A", "Illustrative Partner"]
    assert names(term_ends_before="2026-12-30") == []
    found = client.get(f"{API}/appointments/", {"term_ends_after": "2027-01-01"}).json()["results"]
    assert [a["term_ends"] for a in found] == ["2027-03-31"]


@pytest.mark.parametrize(
    "params",
    [
        {"person": "abc"},
        {"seat": "99999999999999999999999"},
        {"current_on": "x"},
        {"term_ends_after": "2026-13-01"},
        {"term_ends_before": "31/12/2026"},
    ],
)
def test_bad_appointment_filters_are_400s(client, gm, params):
    response = client.get(f"{API}/appointments/", params)

    assert response.status_code == 400
    assert list(response.json()) == list(params)


# Read-only, schema and docs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/organisations/"),
        ("put", "/organisations/P00001/"),
        ("patch", "/organisations/P00001/"),
        ("delete", "/organisations/P00001/"),
        ("post", "/organisations/P00001/path/"),
        ("post", "/paths/"),
        ("post", "/seats/"),
        ("delete", "/people/1/"),
        ("post", "/appointments/"),
    ],
)
def test_anonymous_writes_are_refused(client, gm, method, url):
    response = getattr(client, method)(f"{API}{url}", {}, format="json")

    assert response.status_code in {401, 403, 405}


def test_schema_is_openapi_3_and_documents_the_path(client):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    path = schema["paths"]["/api/v1/organisations/{code}/path/"]["get"]
    assert {p["name"] for p in path["parameters"]} >= {"code", "date"}
    assert {"200", "400", "404"} <= set(path["responses"])
    assert "/api/v1/paths/" in schema["paths"]
    assert "Path" in schema["components"]["schemas"]


def test_schema_lists_the_errors_any_read_may_give(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    seats = schema["paths"]["/api/v1/seats/"]["get"]["responses"]
    person = schema["paths"]["/api/v1/people/{id}/"]["get"]["responses"]
    assert {"400", "404", "429"} <= set(seats)  # a bad filter, a page past the end, the anonymous rate
    assert {"404", "429"} <= set(person)
    assert seats["404"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorDetail"}
    path = schema["paths"]["/api/v1/organisations/{code}/path/"]["get"]["responses"]
    assert "closed" in path["404"]["description"]  # a read's own description is kept


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/organisations/", {"kind": "", "system": "", "active_on": "", "ordering": "", "page": ""}),
        ("/organisations/QOP/children/", {"kind": "", "parent": "", "q": "", "page_size": ""}),
        ("/organisations/P00001/path/", {"date": ""}),
        ("/paths/", {"codes": "P00001", "system": "", "kind": "", "date": ""}),
        ("/seats/", {"body": "", "represents": "", "sector": "", "vacant_on": ""}),
        ("/appointments/", {"person": "", "seat": "", "current_on": "", "term_ends_before": ""}),
        ("/systems/QOP/timeline/", {"from": "", "to": ""}),
        ("/changes/", {"since": "2026-01-01", "system": "", "limit": ""}),
    ],
)
def test_a_blank_query_parameter_is_one_left_out(client, gm, url, query):
    # Browsable API forms send every field; the schema says so (allowEmptyValue on every optional parameter).
    blank = client.get(f"{API}{url}", query)
    left_out = client.get(f"{API}{url}", {name: value for name, value in query.items() if value})

    assert blank.status_code == left_out.status_code == 200
    assert blank.json() == left_out.json()


def test_the_schema_says_a_blank_optional_query_parameter_is_taken(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    parameters = [
        parameter
        for operations in schema["paths"].values()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
    ]

    assert {p["name"] for p in parameters if p.get("allowEmptyValue")} >= {"date", "page", "format", "kind", "system"}
    assert all(p.get("allowEmptyValue") is (None if p.get("required") else True) for p in parameters)


def test_the_schema_bounds_query_parameters_as_the_api_does(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    parameters = {
        (path, parameter["name"]): parameter["schema"]
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
    }
    dated = [found for found in parameters.values() if found.get("format") == "date"]

    assert len(dated) > 10 and all(found["pattern"] == dates.RANGE_PATTERN for found in dated)
    assert parameters["/api/v1/systems/{code}/timeline/", "from"]["pattern"] == dates.RANGE_PATTERN
    assert parameters["/api/v1/changes/", "limit"] == {"type": "integer", "minimum": 1, "maximum": 5000, "default": 500}
    assert parameters["/api/v1/appointments/", "seat"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    assert parameters["/api/v1/organisations/", "system"]["pattern"] == CODE_PATTERN
    assert parameters["/api/v1/seats/", "body"]["pattern"] == CODE_PATTERN


def test_docs_render_swagger_ui_from_local_static_files(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert not re.search(r"https?://", page), "the docs page must not load anything from a CDN"
    bundle = re.search(r'src="(/static/[^"]+swagger-ui-bundle\.js)"', page).group(1)
    assert client.get(bundle).status_code == 200  # served by this site, not a CDN


WEIRD = ["", "abc", "-1", "0", "99999999999999999999999", "2023-02-30", "9999-12-31", "a\x00b", "%", "'", "x" * 300]


@pytest.mark.parametrize(
    ("url", "names"),
    [
        ("/organisations/", ["kind", "system", "parent", "q", "active_on", "ordering", "page", "page_size"]),
        ("/organisations/QOP/", ["date", "kind"]),
        ("/organisations/QOP/children/", ["kind", "q", "active_on", "ordering", "page"]),
        ("/organisations/P00001/path/", ["date"]),
        ("/paths/", ["codes", "system", "date", "page"]),
        ("/seats/", ["body", "represents", "sector", "vacant_on", "page"]),
        ("/people/", ["q", "page"]),
        ("/appointments/", ["person", "seat", "current_on", "term_ends_after", "term_ends_before", "page"]),
    ],
)
def test_no_input_makes_a_500(client, gm, url, names):
    for name in names:
        for value in WEIRD:
            response = client.get(f"{API}{url}", {name: value})
            assert response.status_code < 500, (name, value)
            assert response["Content-Type"].startswith("application/json"), (name, value)


def test_too_many_codes_is_a_400(client, gm):
    response = client.get(f"{API}/paths/", {"codes": ",".join(f"C{n}" for n in range(501))})

    assert response.status_code == 400
    assert "at most 500" in response.json()["codes"][0]
