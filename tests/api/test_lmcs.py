"""The API's organisation detail names a unit's LMCs of any system (``lmcs``; DESIGN.md, "LMCs across systems")."""

import pytest

from tests.builders import SPANNING_LMC, load_text, two_counties

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def spanning(tmp_path):
    two_counties()
    load_text(tmp_path, SPANNING_LMC)


def test_a_practice_of_another_system_carries_its_lmc(client, spanning):
    detail = client.get(f"{API}/organisations/G81001/").json()
    assert detail["lmcs"] == [{"code": "lmc-surrey-sussex", "name": "Surrey and Sussex Local Medical Committees"}]


def test_an_uncovered_practice_and_a_body_carry_none(client, spanning):
    assert client.get(f"{API}/organisations/G81002/").json()["lmcs"] == []
    assert client.get(f"{API}/organisations/lmc-surrey-sussex/").json()["lmcs"] == []


def test_the_schema_documents_lmcs(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    detail = schema["components"]["schemas"]["OrganisationDetail"]
    assert "lmcs" in detail["properties"] and "lmcs" in detail["required"]


def test_q_finds_an_lmc_by_its_usual_name(client, spanning):
    results = client.get(f"{API}/organisations/", {"q": "SSLMCs"}).json()["results"]
    assert [r["code"] for r in results] == ["lmc-surrey-sussex"]
