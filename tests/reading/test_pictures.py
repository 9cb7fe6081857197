"""Pictures (issue 15): the system diagram and the ladder, drawn on the server as SVG and PNG."""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from governance import governance_file as loading
from governance.models import BODY_KINDS, Organisation, Seat
from tests.builders import ILLUSTRATIVE_QOP, D, org

pytestmark = pytest.mark.django_db

DEMO = ILLUSTRATIVE_QOP
SVG = "{http://www.w3.org/2000/svg}"
TODAY = D(2026, 11, 22)


@pytest.fixture
def demo():
    """The GM demo, with a PCN and practice under Bolton, Oldham (vacant seat) and Wigan (broken)."""
    loading.load_governance([DEMO])
    for place in ("00T", "00Y", "02H"):
        org(f"P{place}", "practice", org(f"U{place}", "pcn", Organisation.objects.get(code=place)))
    org("PSHUT", "practice", Organisation.objects.get(code="U00T"), closed=D(2024, 1, 1))


def get(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content[:500]
    return response


def svg(client, url, **params) -> tuple[str, ET.Element]:
    response = get(client, url, **params)
    assert response["Content-Type"] == "image/svg+xml"
    text = response.content.decode()
    return text, ET.fromstring(text)


def test_diagram_has_every_body_and_every_seat_hop_of_the_system(client, demo):
    text, root = svg(client, "/organisations/QOP/diagram.svg", date=TODAY.isoformat())

    drawn = {g.get("id") for g in root.iter(f"{SVG}g")}
    hops = Seat.objects.filter(body__tree_id=Organisation.objects.get(code="QOP").tree_id, represents__isnull=False)
    assert hops.count() > 10
    for seat in hops:
        assert f"seat-{seat.pk}" in drawn, seat.label  # an arrow for every seat hop
    for body in Organisation.objects.filter(kind__in=BODY_KINDS, code__startswith="qop-"):
        # drawn as a box, or named in the note of bodies off every route
        assert f"org-{body.code}" in drawn or body.name in text, body.code
    assert "org-qop-lmc" in drawn and "org-00T" in drawn  # what seats speak for is drawn too


def test_diagram_marks_the_vacant_seat_and_the_broken_chain_and_has_a_text_alternative(client, demo):
    text, root = svg(client, "/organisations/QOP/diagram.svg", date=TODAY.isoformat())

    assert root.get("role") == "img" and root.get("aria-labelledby") == "picture-title picture-desc"
    assert root.find(f"{SVG}title").text.startswith("Governance of NHS Greater Manchester Integrated Care Board")
    desc = root.find(f"{SVG}desc").text
    assert (
        "Oldham has a seat on Greater Manchester General Practice Board (Oldham locality representative, VACANT)"
        in desc
    )
    assert "Chains break at Wigan: 1 practice." in desc
    assert "VACANT" in text and "chain breaks here: 1 practice" in text


def test_diagram_says_not_recorded_rather_than_vacant(client, demo):
    Seat.objects.filter(label="Salford locality representative").update(holders_recorded=False)
    Seat.objects.get(label="Salford locality representative").appointments.all().delete()
    text, root = svg(client, "/organisations/QOP/diagram.svg", date=TODAY.isoformat())
    assert "(Salford locality representative, not recorded)" in root.find(f"{SVG}desc").text
    assert "not recorded" in text


def test_diagram_as_of_a_date_before_the_vacancy(client, demo):
    _text, root = svg(client, "/organisations/QOP/diagram.svg", date="2025-09-30")
    assert "Oldham locality representative, held" in root.find(f"{SVG}desc").text


def test_ladders_of_a_vacant_and_a_broken_chain(client, demo):
    vacant, root = svg(client, "/organisations/P00Y/ladder.svg", date=TODAY.isoformat())
    assert "VACANT" in vacant and root.find(f"{SVG}title").text.startswith("Path of P00Y to")
    broken, root = svg(client, "/organisations/P02H/ladder.svg", date=TODAY.isoformat())
    assert "chain breaks here" in broken and "no route" in broken
    assert root.find(f"{SVG}desc").text.startswith("Broken chain: no route from P02H")
    complete, _ = svg(client, "/organisations/P00T/ladder.svg", date=TODAY.isoformat())
    assert "VACANT" not in complete


@pytest.mark.parametrize("url", ["/organisations/QOP/diagram.png", "/organisations/P00T/ladder.png"])
def test_pngs(client, demo, url):
    response = get(client, url, date=TODAY.isoformat())
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/organisations/QOP/diagram.svg?date=2026-02-30", 400),  # a bad date, as on every page
        ("/organisations/P00T/ladder.png?date=yesterday", 400),
        ("/organisations/00T/diagram.svg", 404),  # not a system
        ("/organisations/QOP/ladder.svg", 404),  # a system has no path
        ("/organisations/NOPE/ladder.svg", 404),
        ("/organisations/QOP/diagram.gif", 404),
        ("/organisations/PSHUT/ladder.svg?date=2026-01-01", 404),  # closed on that day
    ],
)
def test_bad_requests(client, demo, url, status):
    assert client.get(url).status_code == status


def test_a_system_without_governance_has_no_diagram(client):
    org("QHM", "icb", name="NHS North East ICB")
    assert client.get("/organisations/QHM/diagram.svg").status_code == 404


def test_system_page_shows_the_diagram_and_a_practice_page_offers_its_ladder(client, demo):
    html = get(client, "/organisations/QOP/", date=TODAY.isoformat()).content.decode()
    assert '<img src="/organisations/QOP/diagram.svg?date=2026-11-22" alt="Diagram of' in html
    assert 'href="/organisations/QOP/diagram.png?date=2026-11-22" download' in html

    practice = get(client, "/organisations/P00T/", date=TODAY.isoformat()).content.decode()
    assert 'href="/organisations/P00T/ladder.svg?date=2026-11-22" download' in practice
    assert 'href="/organisations/P00T/ladder.png?date=2026-11-22" download' in practice


def test_print_stylesheet_is_a4_and_hides_the_chrome():
    css = (Path(__file__).resolve().parents[2] / "governance/static/governance/icsmap.css").read_text()
    print_rules = css[css.index("@media print") :]
    assert "size: A4" in print_rules and ".nhsuk-header" in print_rules and ".icsmap-rung" in print_rules


# issue 24: names stored before the name rule (or written around it) must not turn the picture
# against the server: an HTML-like label can embed any image the server reads, or a link.
IMAGE_LABEL = '<<TABLE><TR><TD><IMG SRC="/etc/hostname"/></TD></TR></TABLE>>'
LINK_LABEL = '<<TABLE HREF="javascript:alert(1)"><TR><TD>x</TD></TR></TABLE>>'


@pytest.fixture
def hostile_names(demo):
    Organisation.objects.filter(code="00T").update(name=IMAGE_LABEL)
    Organisation.objects.filter(code="qop-board").update(name=LINK_LABEL)
    Organisation.objects.filter(code="P00T").update(name="Escapes \\N \\G \\l and a bell \x07")
    seat = Seat.objects.filter(body__code__startswith="qop-", represents__isnull=False).first()
    Seat.objects.filter(pk=seat.pk).update(label=LINK_LABEL)


@pytest.mark.parametrize("url", ["/organisations/QOP/diagram.svg", "/organisations/P00T/ladder.svg"])
def test_names_are_drawn_as_text_never_as_images_or_links(client, hostile_names, url):
    text, root = svg(client, url, date=TODAY.isoformat())

    assert not list(root.iter(f"{SVG}image"))
    assert not [element for element in root.iter() if any(key.endswith("href") for key in element.attrib)]
    assert "&lt;&lt;TABLE" in text  # the name, shown as what it is


@pytest.mark.parametrize("url", ["/organisations/QOP/diagram.png", "/organisations/P00T/ladder.png"])
def test_pngs_of_hostile_names_are_drawn(client, hostile_names, url):
    assert get(client, url, date=TODAY.isoformat()).content.startswith(b"\x89PNG")
