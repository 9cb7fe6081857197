"""An LMC's page and its units' pages across systems (DESIGN.md, "LMCs across systems"): the footprint by
system, place and PCN with practices by name, its source and date, and every covered unit naming it."""

import pytest

from tests.builders import SPANNING_LMC, load_text, two_counties

pytestmark = pytest.mark.django_db

TODAY = "2026-11-22"


@pytest.fixture
def spanning(tmp_path):
    counties = two_counties()
    load_text(tmp_path, SPANNING_LMC)
    return counties


def page(client, code: str) -> str:
    response = client.get(f"/organisations/{code}/", {"date": TODAY})
    assert response.status_code == 200
    # A page of another day keeps its day in every link (issue 23); the links' targets are what matter here.
    return response.content.decode().replace(f"?date={TODAY}", "")


def test_the_lmc_page_lists_its_footprint_by_system_place_and_pcn(client, spanning):
    html = page(client, "lmc-surrey-sussex")

    assert "2 PCNs and 3 practices open that day, in 2 systems" in html
    surrey = html.index("NHS Surrey Heartlands Integrated Care Board</a>: 1 PCN and 2 practices")
    sussex = html.index("NHS Sussex Integrated Care Board</a>: 1 PCN and 1 practice")
    assert surrey < sussex
    assert 'Guildford PCN</a>: <a href="/organisations/P92A1/">Austen Road Surgery</a>, ' in html
    assert '<a href="/organisations/G81001/">Ardingly Court Surgery</a>' in html
    assert "Hove Park Surgery" not in html  # its PCN is not covered


def test_the_lmc_page_shows_its_source_its_names_and_date_not_shown(client, spanning):
    html = page(client, "lmc-surrey-sussex")

    assert 'href="https://www.sslmcs.co.uk/aboutus"' in html and "date not shown" in html
    assert "Surrey and Sussex LMCs, SSLMCs" in html


def test_a_seen_date_is_shown(client, spanning, tmp_path):
    load_text(tmp_path, SPANNING_LMC.replace("    covers:", "    seen: 2025-10-15\n    covers:"))
    html = page(client, "lmc-surrey-sussex")
    assert "seen 15 October 2025" in html and "date not shown" not in html


@pytest.mark.parametrize("code", ["G81001", "U09D1", "P92A1", "92A"])
def test_covered_units_of_both_systems_name_their_lmc(client, spanning, code):
    html = page(client, code)
    assert 'href="/organisations/lmc-surrey-sussex/">Surrey and Sussex Local Medical Committees</a>' in html


def test_an_uncovered_practice_names_no_lmc(client, spanning):
    assert "Surrey and Sussex Local Medical Committees" not in page(client, "G81002")
