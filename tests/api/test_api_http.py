"""The API over HTTP: caching (ETag, Last-Modified, 304s), the data version behind it,
throttling, CORS and CSV."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.http import http_date
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from governance.api import renderers
from governance.caching import versioning
from governance.domain import tree_check
from governance.ingest.ods.importer import import_ods
from governance.models import DataVersion, Organisation, Person, Seat
from governance.reading.paths import representation_path
from tests import builders
from tests.builders import API, ON, SET_2023, D, appoint, commit_now, org, seat

pytestmark = pytest.mark.django_db

# Fixtures shared with the read tests (assigned, not imported, so that test arguments may name them).
client, gm = builders.api_client, builders.api_system

READS = [
    "/organisations/",
    "/organisations/P00001/",
    "/organisations/QOP/children/",
    f"/organisations/P00001/path/?date={ON}",
    "/organisations/P00001/path/",
    f"/paths/?system=QOP&date={ON}",
    "/seats/",
    f"/seats/?vacant_on={ON}",
    "/people/",
    "/appointments/",
    "/organisations/?format=csv",
    f"/organisations/P00001/path/?date={ON}&format=csv",
    "/systems/QOP/popolo/",
    "/systems/QOP/governance/",
    "/systems/QOP/governance/?format=json",
]


def get(client, url, **headers):
    return client.get(f"{API}{url}", headers=headers)


# ETag, Last-Modified, Cache-Control and 304 -----------------------------------------------------------


@pytest.mark.parametrize("url", READS)
def test_reads_carry_validators_and_revalidate_to_304_in_one_query(client, gm, url, django_assert_max_num_queries):
    commit_now()
    first = get(client, url)
    assert first.status_code == 200
    assert first["ETag"].startswith(f'"{versioning.current().key}-')
    assert first["Cache-Control"] == "public, max-age=60"
    assert first["Last-Modified"]

    with django_assert_max_num_queries(1):  # the data version; nothing else is loaded
        again = get(client, url, if_none_match=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"] and again["Cache-Control"] == "public, max-age=60"

    with django_assert_max_num_queries(1):
        since = get(client, url, if_modified_since=first["Last-Modified"])
    assert since.status_code == 304


def test_a_signed_in_revalidation_costs_two_queries(gm, django_assert_max_num_queries):
    user = User.objects.create_user("reader")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    etag = get(api, "/organisations/P00001/path/")["ETag"]

    with django_assert_max_num_queries(2):  # the token (with its user), the data version
        assert get(api, "/organisations/P00001/path/", if_none_match=etag).status_code == 304


def test_a_write_changes_the_etag(client, gm):
    commit_now()
    before = get(client, "/organisations/P00001/path/")

    Seat.objects.filter(pk=gm["primary_seat"].pk).first().save()  # any save, even one that changes nothing
    assert get(client, "/organisations/P00001/path/", if_none_match=before["ETag"]).status_code == 304  # not yet
    commit_now()

    after = get(client, "/organisations/P00001/path/", if_none_match=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert get(client, "/organisations/P00001/path/", if_none_match=after["ETag"]).status_code == 304


def test_an_older_if_modified_since_gets_the_data(client, gm):
    response = get(client, "/seats/", if_modified_since=http_date(0))

    assert response.status_code == 200


def test_answers_change_at_midnight_without_any_write(client, gm, monkeypatch):
    today = get(client, "/organisations/P00001/path/")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)

    # Paths default to today: yesterday's answer is no longer good, by ETag or by date.
    assert get(client, "/organisations/P00001/path/", if_none_match=today["ETag"]).status_code == 200
    assert get(client, "/organisations/P00001/path/", if_modified_since=today["Last-Modified"]).status_code == 200


def test_each_format_has_its_own_etag(client, gm):
    as_json = get(client, "/organisations/")
    as_csv = get(client, "/organisations/?format=csv")

    assert as_json["ETag"] != as_csv["ETag"]
    assert get(client, "/organisations/?format=csv", if_none_match=as_json["ETag"]).status_code == 200


def test_head_revalidates_too(client, gm):
    etag = get(client, "/seats/")["ETag"]

    assert client.head(f"{API}/seats/", headers={"if-none-match": etag}).status_code == 304


@pytest.mark.parametrize("url", ["/organisations/NOPE/", "/organisations/?kind=planet", "/systems/NOPE/popolo/"])
def test_errors_are_not_cached(client, gm, url):
    response = get(client, url)

    assert response.status_code in (400, 404)
    assert "ETag" not in response and "Cache-Control" not in response


def test_the_browsable_api_is_not_cached(client, gm):
    response = get(client, "/seats/", accept="text/html")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "ETag" not in response


def test_max_age_is_configurable(client, gm, settings):
    settings.API_CACHE_MAX_AGE = 5

    assert get(client, "/seats/")["Cache-Control"] == "public, max-age=5"


def test_path_queries_are_bounded_whatever_the_depth(client, gm, django_assert_max_num_queries):
    parent = gm["pcn"]
    for n in range(20):  # a chain of committees twenty deep
        parent = org(f"deep-{n}", "committee" if n else "board", parent if n else gm["bolton"])
    with django_assert_max_num_queries(7):  # the data version, the organisation, England's structure (5)
        assert get(client, "/organisations/deep-19/path/").status_code == 200


# The data version ----------------------------------------------------------------------------------------


def test_bump_once_per_transaction(gm):
    commit_now()
    before = versioning.current().counter
    with transaction.atomic():
        Person.objects.create(name="One")
        Person.objects.create(name="Two")
        Person.objects.get(name="One").delete()
    commit_now()

    assert versioning.current().counter == before + 1


def test_a_rolled_back_savepoint_bumps_nothing(gm):
    commit_now()
    before = versioning.current().counter
    try:
        with transaction.atomic():
            Person.objects.create(name="Gone")
            raise RuntimeError
    except RuntimeError:
        pass
    commit_now()
    assert versioning.current().counter == before

    with transaction.atomic():
        try:
            with transaction.atomic():
                Person.objects.create(name="Gone too")
                raise RuntimeError
        except RuntimeError:
            pass
        Person.objects.create(name="Kept")  # the outer transaction still bumps for its own write
    commit_now()
    assert versioning.current().counter == before + 1


@pytest.mark.django_db(transaction=True)
def test_bumps_happen_on_commit():
    DataVersion.objects.all().delete()  # a database without the row: the first bump makes it
    assert versioning.current() == versioning.Version(0, None)

    Person.objects.create(name="Autocommitted")
    assert versioning.current().counter == 1
    with transaction.atomic():
        Person.objects.create(name="A")
        Person.objects.create(name="B")
        assert versioning.current().counter == 1  # not before the commit
    assert versioning.current().counter == 2
    assert versioning.current().changed_at <= timezone.now()


def test_rebuild_bumps_when_it_repairs(gm):
    commit_now()
    before = versioning.current().counter
    tree_check.rebuild()
    commit_now()
    assert versioning.current().counter == before  # nothing to repair

    Organisation.objects.filter(code="P00001").update(lft=999)  # QuerySet.update: no signal
    tree_check.rebuild()
    commit_now()
    assert versioning.current().counter == before + 1


def test_the_ods_import_bumps():
    commit_now()
    before = versioning.current().counter
    import_ods(SET_2023)
    commit_now()

    assert versioning.current().counter == before + 1


# Throttling --------------------------------------------------------------------------------------------


def test_anonymous_clients_are_throttled(client, gm, settings):
    settings.API_ANON_THROTTLE_RATE = "3/min"
    cache.clear()

    answers = [get(client, "/seats/").status_code for _ in range(3)]
    refused = get(client, "/seats/")
    forged = get(client, "/seats/", x_forwarded_for="10.9.8.7")  # not trusted: no proxy is configured

    assert answers == [200, 200, 200]
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"]
    assert forged.status_code == 429
    user = User.objects.create_user("reader")
    signed_in = APIClient()
    signed_in.force_authenticate(user)
    assert get(signed_in, "/seats/").status_code == 200  # the limit is for anonymous clients
    cache.clear()


# CORS --------------------------------------------------------------------------------------------------


def test_cross_origin_reads_are_allowed_from_anywhere_by_default(client, gm):
    response = get(client, "/seats/", origin="https://lmc.example")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_cross_origin_preflight_offers_reads_only(client, gm):
    response = client.options(
        f"{API}/seats/", headers={"origin": "https://lmc.example", "access-control-request-method": "POST"}
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_cors_is_for_the_api_only(client, gm):
    assert "Access-Control-Allow-Origin" not in client.get("/", headers={"origin": "https://lmc.example"})


def test_cors_origins_can_be_listed(client, gm, settings):
    settings.CORS_ALLOW_ALL_ORIGINS = False
    settings.CORS_ALLOWED_ORIGINS = ["https://lmc.example"]

    assert get(client, "/seats/", origin="https://lmc.example")["Access-Control-Allow-Origin"] == "https://lmc.example"
    assert "Access-Control-Allow-Origin" not in get(client, "/seats/", origin="https://elsewhere.example")


# CSV ---------------------------------------------------------------------------------------------------


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def header(response) -> list[str]:
    return next(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_organisation_list_as_csv(client, gm):
    response = get(client, "/organisations/?system=QOP&kind=practice&format=csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="organisations.csv"'
    assert header(response) == ["code", "name", "kind", "parent", "system", "opened", "closed", "postcode", "url"]
    assert rows(response) == [
        {
            "code": "P00001",
            "name": "Alpha Surgery",
            "kind": "practice",
            "parent": "U00001",
            "system": "QOP",
            "opened": "",
            "closed": "",
            "postcode": "BL1 1AA",
            "url": "http://testserver/api/v1/organisations/P00001/",
        },
        {
            "code": "P00009",
            "name": "Closed Surgery",
            "kind": "practice",
            "parent": "U00001",
            "system": "QOP",
            "opened": "",
            "closed": "2025-01-31",
            "postcode": "",
            "url": "http://testserver/api/v1/organisations/P00009/",
        },
    ]


def test_csv_by_accept_header_carries_every_row_not_a_page(client, gm):
    response = get(client, "/organisations/?page_size=2", accept="text/csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(rows(response)) == get(client, "/organisations/").json()["count"] > 2
    assert "Link" not in response


@pytest.mark.parametrize(
    "url",
    [
        "/organisations/?kind=practice",
        "/organisations/",
        "/seats/",
        "/people/",
        "/appointments/",
        "/organisations/QOP/children/",
        "/paths/?system=QOP",
    ],
)
def test_a_csv_list_has_as_many_rows_as_the_json_list_counts(client, gm, url):
    # What pandas.read_csv(url) reads: the whole list, however many pages the JSON takes.
    joiner = "&" if "?" in url else "?"
    counted = get(client, f"{url}{joiner}page_size=1").json()["count"]
    table = rows(get(client, f"{url}{joiner}format=csv"))

    assert counted > 1
    if url.startswith("/paths/"):  # one row per layer: every organisation's path is there
        assert len({row["organisation"] for row in table}) == counted
    else:
        assert len(table) == counted


def test_an_empty_list_is_a_header_row(client, gm):
    response = get(client, "/appointments/?current_on=1999-01-01&format=csv")

    assert response.content.decode() == "id,person,person_name,seat,seat_label,body,from,to,term_ends,source,acting\r\n"


def test_seats_people_and_appointments_as_csv(client, gm):
    seats = rows(get(client, "/seats/?format=csv"))
    people = get(client, "/people/?format=csv")
    appointments = rows(get(client, "/appointments/?format=csv&current_on=2026-11-22"))

    assert [s["label"] for s in seats][:2] == [
        "Partner member (primary medical services)",
        "Bolton locality representative",
    ]
    assert seats[1]["represents"] == "00T" and seats[1]["delegate"] == "true"
    assert people["Content-Disposition"] == 'attachment; filename="people.csv"'
    assert [p["name"] for p in rows(people)] == [
        "Illustrative Holder A",
        "Illustrative Holder B",
        "Illustrative Partner",
    ]
    assert {(a["person_name"], a["from"], a["to"]) for a in appointments} == {
        ("Illustrative Holder A", "2023-04-01", ""),
        ("Illustrative Partner", "2022-07-01", ""),
    }


def test_a_path_as_csv_is_one_row_per_layer(client, gm):
    response = get(client, f"/organisations/P00001/path/?date={ON}&format=csv")

    assert response["Content-Disposition"] == f'attachment; filename="P00001-path-{ON}.csv"'
    path = representation_path("P00001", D(2026, 11, 22))
    table = rows(response)
    assert [r["code"] for r in table] == [layer["organisation"]["code"] for layer in path["layers"]]
    assert [r["step"] for r in table] == [str(n) for n in range(7)]
    assert {r["distance"] for r in table} == {"6"} and {r["complete"] for r in table} == {"false"}
    bolton_seat = table[3]
    assert bolton_seat["via"] == "seat" and bolton_seat["seat_label"] == "Bolton locality representative"
    assert bolton_seat["seat_holders"] == "Illustrative Holder A (from 2023-04-01)"
    assert bolton_seat["seat_delegate"] == "true" and bolton_seat["seat_vacant"] == "false"
    assert table[1]["via"] == "member_of" and table[1]["seat_label"] == ""
    assert table[5]["seat_vacant"] == "true" and table[5]["seat_holders"] == ""


def test_many_paths_as_csv(client, gm):
    response = get(client, f"/paths/?codes=P00001,P00002&date={ON}&format=csv")

    assert response["Content-Disposition"] == 'attachment; filename="paths.csv"'
    assert [(r["organisation"], r["code"]) for r in rows(response)] == [
        ("P00001", "P00001"),
        ("P00001", "U00001"),
        ("P00001", "00T"),
        ("P00001", "qop-gp-board"),
        ("P00001", "qop-primary-care-board"),
        ("P00001", "qop-provider-board"),
        ("P00001", "qop-board"),
        ("P00002", "P00002"),
        ("P00002", "U00002"),
        ("P00002", "99A"),
        ("P00002", "QAA"),
    ]


def test_csv_cells_never_run_as_formulas(client, gm):
    org("P00666", "practice", gm["pcn"], name='=HYPERLINK("http://evil.example")')
    appoint(seat(gm["gp"], "@member"), "-Illustrative")

    assert rows(get(client, "/organisations/?q=P00666&format=csv"))[0]["name"] == '\'=HYPERLINK("http://evil.example")'
    assert rows(get(client, "/seats/?body=qop-gp-board&format=csv"))[0]["label"] == "'@member"


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+1",
        "-1",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        " =1",
        "\n=1",
        "  \u3000+1",
        "\uff1d1+1",  # full-width =
        "\uff0b1",
        "\uff0d1",
        "\uff20SUM(A1)",
        " \uff1d1",
    ],
)
def test_every_formula_prefix_is_neutralised_after_any_leading_whitespace(text):
    assert renderers.cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Alpha Surgery", " Alpha", "St Mary's", "1-2", "a=b", "\nAlpha"])
def test_cells_that_are_no_formula_are_left_as_they_are(text):
    assert renderers.cell(text) == text


def test_csv_errors_are_json(client, gm):
    bad = get(client, "/organisations/?kind=planet&format=csv")
    missing = get(client, "/organisations/NOPE/path/?format=csv")

    assert bad.status_code == 400 and bad["Content-Type"] == "application/json" and "kind" in bad.json()
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("query", "parameter"), [("page=0", "page"), ("page=two", "page"), ("page_size=201", "page_size")]
)
def test_a_csv_list_refuses_the_paging_the_json_list_refuses(client, gm, query, parameter):
    # A CSV list is never paged, but the schema offers it the same parameters: malformed ones are a 400 alike.
    response = get(client, f"/organisations/?format=csv&{query}")

    assert response.status_code == 400 and list(response.json()) == [parameter]
    assert get(client, "/organisations/?format=csv&page=2&page_size=1").status_code == 200  # every row still


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("put", "/organisations/?format=csv"),
        ("trace", "/seats/?format=csv"),
        ("delete", "/organisations/QOP/path/?format=csv"),
        ("post", "/people/?format=yaml"),
    ],
)
def test_a_method_the_api_does_not_serve_is_a_405_naming_those_it_does(client, gm, method, url):
    # Before: the format was negotiated first, so that a format the view has no renderer for made a 404.
    response = client.generic(method.upper(), f"{API}{url}")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert "GET" in response["Allow"] and method.upper() not in response["Allow"]
    assert method.upper() in response.json()["detail"]


def test_csv_is_for_lists_and_paths_only(client, gm):
    assert get(client, "/organisations/P00001/?format=csv").status_code == 404
    assert get(client, "/systems/QOP/popolo/?format=csv").status_code == 404


def test_csv_costs_what_json_costs(client, gm, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):  # as JSON: 3, and England's structure in five (once per data version)
        assert get(client, "/organisations/?system=QOP&page_size=200&format=csv").status_code == 200
    with django_assert_max_num_queries(7):
        assert get(client, f"/paths/?system=QOP&date={ON}&page_size=200&format=csv").status_code == 200


WEIRD = ["", "abc", "-1", "0", "99999999999999999999999", "2023-02-30", "a\x00b", "%", "'", "x" * 300]


@pytest.mark.parametrize(
    ("url", "names"),
    [
        ("/organisations/?format=csv", ["kind", "system", "parent", "q", "active_on", "ordering", "page"]),
        ("/organisations/P00001/path/?format=csv", ["date"]),
        ("/paths/?format=csv", ["codes", "system", "date", "page"]),
        ("/systems/QOP/governance/", ["format"]),
        ("/organisations/", ["format"]),
    ],
)
def test_no_input_makes_a_500_in_other_formats(client, gm, url, names):
    for name in names:
        for value in WEIRD:
            response = client.get(f"{API}{url}", {name: value})
            assert response.status_code < 500, (name, value)
