"""The governance file written (governance.governance_file.write): load_governance reads it back unchanged;
its keys are the format's; and its API endpoint. Popolo, the other export, is tested in reading/test_popolo.py."""

import json

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from governance import governance_file as loading
from governance.governance_file import format, write
from governance.models import Appointment, Organisation, Person, Seat
from tests.builders import ILLUSTRATIVE_QOP, SOURCED_SYSTEM, D, appoint, mixed_system, org, seat

pytestmark = pytest.mark.django_db

DEMO = ILLUSTRATIVE_QOP
WRITES = ("INSERT", "UPDATE", "DELETE")


def root(code: str = "QOP") -> Organisation:
    return Organisation.objects.get(code=code, parent__isnull=True)


def exported_yaml(code: str = "QOP") -> str:
    return write.dump_yaml(write.governance_file(root(code)))


def load_text(tmp_path, text: str, name: str = "export.yaml") -> loading.LoadReport:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return loading.load_governance([path])


def empty_database() -> None:
    """Every organisation, seat, person and appointment gone (as on a fresh install)."""
    Appointment.objects.all().delete()
    Seat.objects.all().delete()
    Person.objects.all().delete()
    Organisation.objects.update(parent=None, sub_icb=None, top_board=None)  # PROTECT: unlink, then delete
    Organisation.objects.all().delete()


def writes_while(callable_) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


# The demo -------------------------------------------------------------------------------------------


@pytest.fixture
def demo():
    loading.load_governance([DEMO])


def test_demo_round_trips_through_an_emptied_database(demo, tmp_path):
    first = exported_yaml()

    empty_database()
    load_text(tmp_path, first)

    assert exported_yaml() == first


def test_loading_the_export_into_the_same_database_writes_nothing(demo, tmp_path):
    text = exported_yaml()

    report = None

    def load():
        nonlocal report
        report = load_text(tmp_path, text)

    assert writes_while(load) == []
    assert not report.changed


def test_demo_export_says_what_the_demo_file_says(demo):
    data = write.governance_file(root())
    original, _ = loading.read_governance_file(DEMO)

    assert data["system"] == {
        "code": "QOP",
        "name": original.system.name,
        "region": "North West",
        "illustrative": True,  # its holders are invented
    }
    assert data["top_board"] == "qop-board"
    assert {o["code"]: o["parent"] for o in data["organisations"]} == {o.code: o.parent for o in original.organisations}
    assert {(s["board"], s["label"]) for s in data["seats"]} == {(s.board, s.label) for s in original.seats}
    holders = {(s["board"], s["label"], h["name"], h["from"], h.get("to")) for s in data["seats"] for h in s["holders"]}
    assert holders == {
        (s.board, s.label, h.name, h.start, h.end) for s in original.seats for h in s.holders
    }  # every holder, past and present
    # parents before children, bodies before units among siblings
    codes = [o["code"] for o in data["organisations"]]
    assert codes.index("qop-board") < codes.index("qop-provider-board") < codes.index("00T")
    assert codes.index("00T") < codes.index("qop-bolton-locality-board")


def test_json_export_loads_as_a_json_governance_file(demo, tmp_path):
    client = APIClient()
    response = client.get("/api/v1/systems/QOP/governance/", {"format": "json"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert writes_while(lambda: load_text(tmp_path, response.content.decode(), "export.json")) == []
    empty_database()
    load_text(tmp_path, response.content.decode(), "export.json")
    assert client.get("/api/v1/systems/QOP/governance/", {"format": "json"}).json() == response.json()


# A system with ODS-side organisations, and values YAML could misread (builders.mixed_system) ---------


def test_export_keeps_governance_organisations_and_refers_to_ods_ones_by_code():
    mixed_system()
    assert write.governance_file(root("QZZ"))["system"] == {"code": "QZZ", "name": "Test ICB"}  # no empty region

    data = write.governance_file(root("QZZ"))

    assert [o["code"] for o in data["organisations"]] == ["qzz-board", "123", "01A", "u99001-board"]
    assert data["organisations"][1] == {
        "code": "123",
        "name": "yes",
        "kind": "committee",
        "parent": "qzz-board",
        "opened": D(2023, 4, 1),
    }
    assert data["organisations"][3]["parent"] == "U99001"  # not in the file: ODS data supplies it
    reps = next(s for s in data["seats"] if s["label"] == "PCN representatives")
    assert reps == {
        "board": "123",
        "label": "PCN representatives",
        "role": "representative",
        "selection": "elected",
        "represents": "U99001",
        "delegate": True,
        "voting": False,
        "max_holders": 2,
        "holders": [{"name": "Null", "from": D(2023, 4, 1)}, {"name": "Zoë O'Brien", "from": D(2023, 4, 1)}],
    }
    text = write.dump_yaml(data)
    assert "'123'" in text and "'yes'" in text and "'Null'" in text  # quoted: they would read as other types
    assert yaml.safe_load(text) == data
    assert loading.parse_governance(yaml.safe_load(text), "export.yaml")[1] == []


def test_mixed_system_round_trips_once_the_ods_side_is_back(tmp_path):
    mixed_system()
    first = exported_yaml("QZZ")
    assert writes_while(lambda: load_text(tmp_path, first)) == []

    empty_database()
    mixed_system(with_governance=False)  # what the ODS import would bring back
    load_text(tmp_path, first)

    assert exported_yaml("QZZ") == first
    assert Organisation.objects.get(code="U99001").source == "ods"  # the file never claimed it


def test_governance_file_queries_are_bounded(django_assert_max_num_queries):
    mixed_system()
    system = root("QZZ")
    with django_assert_max_num_queries(4):
        small = write.governance_file(system)
    pcn = Organisation.objects.get(code="U99001")
    for n in range(30):
        board = org(f"extra-{n}", "board", pcn)
        appoint(seat(board, "Member"), f"Illustrative Member {n}")
    with django_assert_max_num_queries(4):
        large = write.governance_file(system)
    assert len(large["seats"]) == len(small["seats"]) + 30


# The format's words ---------------------------------------------------------------------------------


def test_the_writer_writes_the_keys_the_parser_reads(demo, tmp_path):
    # Both take the keys from governance_file.format: a key the writer wrote and the parser did not know
    # would make every export unloadable.
    load_text(tmp_path, SOURCED_SYSTEM, "sourced.yaml")  # holders seen on a day, bodies' sources
    written: dict[str, set[str]] = {
        "file": set(),
        "system": set(),
        "organisation": set(),
        "seat": set(),
        "holder": set(),
    }
    for code in ("QOP", "QSS"):
        data = write.governance_file(root(code))
        written["file"] |= set(data)
        written["system"] |= set(data["system"])
        for organisation in data["organisations"]:
            written["organisation"] |= set(organisation)
        for seat_entry in data["seats"]:
            written["seat"] |= set(seat_entry)
            if seat_entry["holders"] != format.HOLDERS_UNKNOWN:
                for holder in seat_entry["holders"]:
                    written["holder"] |= set(holder)

    keys = {
        "file": format.FILE,
        "system": format.SYSTEM,
        "organisation": format.ORGANISATION,
        "seat": format.SEAT,
        "holder": format.HOLDER,
    }
    for entry, known in keys.items():
        assert set(known.required) <= written[entry] <= set(known.all), entry
    assert written["seat"] - set(format.SEAT.required) >= {"delegate", "voting", "max_holders", "holders"}
    assert {"seen", "source", "to"} <= written["holder"]


# The endpoints ----------------------------------------------------------------------------------


def test_governance_endpoint_answers_yaml_to_a_client_that_asks_for_it(demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = APIClient().get("/api/v1/systems/QOP/governance/", headers={"accept": "application/yaml"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="QOP.yaml"'
    assert response.content.decode() == exported_yaml()
    assert APIClient().get("/api/v1/systems/QOP/governance/?format=yaml").content.decode() == exported_yaml()


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/json, */*;q=0.5"])
def test_governance_endpoint_answers_json_to_a_client_that_accepts_it(demo, accept):
    # What a generated client sends (or nothing at all): it must get the JSON it parses.
    response = APIClient().get("/api/v1/systems/QOP/governance/", headers={"accept": accept} if accept else {})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'inline; filename="QOP.json"'
    assert response.json() == json.loads(json.dumps(write.governance_file(root()), default=str))


@pytest.mark.parametrize("code", ["NOPE", "qop-board", "00T", "a\x00b", "%", "x" * 300])
def test_only_systems_have_a_governance_file(demo, code):
    response = APIClient().get(f"/api/v1/systems/{code}/governance/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_unknown_format_is_a_404_not_a_500(demo):
    assert APIClient().get("/api/v1/systems/QOP/governance/", {"format": "xml"}).status_code == 404


def test_unknown_holders_portfolio_terms_and_provenance_round_trip(demo, tmp_path):
    qop = root()
    Organisation.objects.filter(pk=qop.pk).update(
        governance_source="https://example.org/qop-board", verified_on=D(2026, 11, 3)
    )
    Seat.objects.filter(label="Chief finance officer").update(holders_recorded=False)
    Appointment.objects.filter(seat__label="Chief finance officer").delete()
    Appointment.objects.filter(person__name="Illustrative Chair").update(term_ends=D(2027, 6, 30))

    data = write.governance_file(root())
    text = exported_yaml()

    assert data["system"]["source"] == "https://example.org/qop-board" and data["system"]["verified"] == D(2026, 11, 3)
    finance = next(s for s in data["seats"] if s["label"] == "Chief finance officer")
    assert (finance["holders"], finance["portfolio"]) == ("unknown", "finance")
    assert "holders: unknown" in text
    chair = next(s for s in data["seats"] if s["board"] == "qop-board" and s["label"] == "Chair")
    assert chair["holders"][0]["term_ends"] == D(2027, 6, 30)
    assert writes_while(lambda: load_text(tmp_path, text)) == []
    empty_database()
    load_text(tmp_path, text)
    assert exported_yaml() == text
    assert Seat.objects.get(label="Chief finance officer").holders_recorded is False
