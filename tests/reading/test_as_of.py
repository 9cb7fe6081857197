"""As of any date, everywhere (issue 12, item 4): every reading uses the structure of the date asked.

Built on ``builders.history()``: a practice that moved PCN on 1 April 2024, and a place that moved
from a closing ICB (QH8, to 31 March 2026) to its successor (D7T5G, from 1 April 2026). Today's
tree holds only today's structure; the day before and the day after each move must show the
old and the new parent and system alike in the pages, the API, the exports, search, the feeds
and the command, at a number of queries that depends neither on the date nor on the size.
"""

import datetime
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from governance import caching
from governance.governance_file import write
from governance.models import Coverage, Relation
from governance.reading import changes, comparison, directory, lmc, search, system_rows
from governance.reading.graph import SystemGraph
from governance.reading.paths import SystemNotOpen, representation_path
from tests import builders
from tests.builders import (
    API,
    ICBS_LAST_DAY,
    PCN_MOVE_DAY,
    SUCCESSIONS_DAY,
    D,
    codes,
    history,
    link,
    ods,
    org,
)

pytestmark = pytest.mark.django_db

api = builders.api_client  # DRF's client for the API; pages take pytest-django's ``client``

DAY_BEFORE_MOVE = PCN_MOVE_DAY - datetime.timedelta(days=1)
BEFORE_ICBS = D(2022, 6, 30)


@pytest.fixture
def s():
    return history()


def words(html: bytes) -> str:
    """A page's text, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html.decode()).split())


def breadcrumb(html: bytes) -> list[str]:
    nav = re.search(r'<nav class="nhsuk-breadcrumb".*?</nav>', html.decode(), re.S).group(0)
    return re.findall(r'class="nhsuk-breadcrumb__link" href="/organisations/([^/]+)/[?"]', nav)


# The path, and where there is none -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "pcn", "system"),
    [
        (DAY_BEFORE_MOVE, "U00101", "QH8"),
        (PCN_MOVE_DAY, "U00102", "QH8"),
        (ICBS_LAST_DAY, "U00102", "QH8"),
        (SUCCESSIONS_DAY, "U00102", "D7T5G"),
    ],
)
def test_the_path_takes_the_pcn_and_system_of_the_date(s, date, pcn, system):
    path = representation_path("F81001", date)

    assert [layer["organisation"]["code"] for layer in path["layers"]] == [
        "F81001",
        pcn,
        "06Q",
        f"{system.lower()}-board",
    ]
    assert path["system"]["code"] == system


def test_no_path_before_icbs_existed_nor_in_a_closed_system(s):
    with pytest.raises(SystemNotOpen, match=r"on 2022-06-30: integrated care boards were established on 1 July "
                       r"2022; its system, NHS Mid and South Essex ICB \(QH8\), existed from 1 July 2022 to 31 "
                       r"March 2026"):  # fmt: skip
        representation_path("F81001", BEFORE_ICBS)
    # a place kept by the ODS import whose ICB link ended with its ICB, and no successor given
    link_ended = ods("06R", "place", s["old"], name="Ended Place")
    link(link_ended, s["old"], Relation.SUB_ICB_ICB, builders.ICBS_ESTABLISHED, ICBS_LAST_DAY)
    with pytest.raises(SystemNotOpen, match=r"Ended Place \(06R\) was in no integrated care system on 2026-04-01"):
        representation_path("06R", SUCCESSIONS_DAY)
    assert representation_path("06R", ICBS_LAST_DAY)["system"]["code"] == "QH8"


def test_the_api_path_is_a_404_saying_when_the_system_existed(api, s):
    response = api.get(f"{API}/organisations/F81001/path/", {"date": "2022-06-30"})

    assert response.status_code == 404
    assert "existed from 1 July 2022 to 31 March 2026" in response.json()["detail"]
    assert api.get(f"{API}/organisations/F81001/path/", {"date": "2022-07-01"}).status_code == 200


def test_the_command_exits_1_saying_when_the_system_existed(s, capsys):
    with pytest.raises(CommandError, match="existed from 1 July 2022 to 31 March 2026"):
        call_command("representation_path", "F81001", "--date", "2022-06-30")
    call_command("representation_path", "F81001", "--date", "2026-04-01", "--json")
    assert '"code": "D7T5G"' in capsys.readouterr().out


def test_bulk_paths_name_what_was_in_no_open_system(api, s):
    by_codes = api.get(f"{API}/paths/", {"codes": "F81002,F81001", "date": "2022-06-30"})
    closed_system = api.get(f"{API}/paths/", {"system": "QH8", "date": "2026-04-01"})
    before = api.get(f"{API}/paths/", {"system": "QH8", "date": "2026-03-31", "kind": "practice"})
    after = api.get(f"{API}/paths/", {"system": "D7T5G", "date": "2026-04-01", "kind": "practice"})

    assert by_codes.status_code == 400
    assert [message[:16] for message in by_codes.json()["codes"]] == ["Staying Surgery ", "Moving Surgery ("]
    assert closed_system.status_code == 400
    assert closed_system.json()["system"] == [
        "NHS Mid and South Essex ICB (QH8) was not open on 2026-04-01: the system existed from 1 July 2022 to "
        "31 March 2026."
    ]
    assert [p["organisation"]["code"] for p in before.json()["results"]] == ["F81001", "F81002"]
    assert {p["system"]["code"] for p in before.json()["results"]} == {"QH8"}
    assert {p["system"]["code"] for p in after.json()["results"]} == {"D7T5G"}


# Pages -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "trail", "system"),
    [
        (DAY_BEFORE_MOVE, ["QH8", "06Q", "U00101"], "NHS Mid and South Essex ICB"),
        (PCN_MOVE_DAY, ["QH8", "06Q", "U00102"], "NHS Mid and South Essex ICB"),
        (SUCCESSIONS_DAY, ["D7T5G", "06Q", "U00102"], "NHS Essex ICB"),
    ],
)
def test_the_practice_page_shows_its_pcn_and_system_of_the_date(client, s, date, trail, system):
    response = client.get("/organisations/F81001/", {"date": date.isoformat()})
    html = response.content

    assert response.status_code == 200
    assert breadcrumb(html) == trail
    assert f"System {system}" in words(html)
    back = f'href="/organisations/{trail[-1]}/?date={date.isoformat()}"><span class="nhsuk-u-visually-hidden">Back to'
    assert back in html.decode()  # the link up keeps the date
    assert response.context["path"]["layers"][1]["organisation"]["code"] == trail[-1]


def test_the_practice_page_before_july_2022_says_when_its_system_existed(client, s):
    text = words(client.get("/organisations/F81001/", {"date": "2022-06-30"}).content)

    assert "In no open system on 30 June 2022" in text
    assert "its system, NHS Mid and South Essex ICB (QH8), existed from 1 July 2022 to 31 March 2026" in text
    assert "Through whom it is heard" not in text


@pytest.mark.parametrize(
    ("date", "north", "south"),
    [(DAY_BEFORE_MOVE, "2 practices", None), (PCN_MOVE_DAY, "1 practice", "1 practice")],
)
def test_pcn_pages_count_and_list_the_practices_of_the_date(client, s, date, north, south):
    for code, expected in (("U00101", north), ("U00102", south)):
        response = client.get(f"/organisations/{code}/", {"date": date.isoformat()})
        text = words(response.content)
        if expected:
            assert f"{expected} open on" in text
        else:
            assert "What it contains" not in text
        listed = [child.code for child in response.context["children"]]
        assert ("F81001" in listed) == (code == ("U00101" if date < PCN_MOVE_DAY else "U00102"))


def test_a_place_page_lists_its_pcns_with_the_practices_below_them_that_day(client, s):
    before = client.get("/organisations/06Q/", {"date": DAY_BEFORE_MOVE.isoformat()}).context["children"]
    after = client.get("/organisations/06Q/", {"date": PCN_MOVE_DAY.isoformat()}).context["children"]

    assert [(c.code, c.practices) for c in before] == [("U00101", 2), ("U00102", 0)]
    assert [(c.code, c.practices) for c in after] == [("U00101", 1), ("U00102", 1)]


def test_a_closed_practice_stays_listed_under_its_last_pcn(client, s):
    closed = ods("F81003", "practice", s["north"], name="Closed Surgery", closed=D(2025, 6, 30))
    link(closed, s["north"], Relation.PCN_MEMBER)

    listed = client.get("/organisations/U00101/", {"date": "2026-11-22"}).context["children"]

    assert [(child.code, child.closed) for child in listed] == [("F81002", None), ("F81003", D(2025, 6, 30))]


def test_system_counts_and_comparison_follow_the_date(s):
    def systems(date):
        return {
            row["code"]: (row["places"], row["pcns"], row["practices"])
            for region in directory.systems_by_region(date)
            for row in region["systems"]
        }

    assert systems(ICBS_LAST_DAY) == {"QH8": (1, 2, 2)}
    assert systems(SUCCESSIONS_DAY) == {"D7T5G": (1, 2, 2)}
    assert systems(BEFORE_ICBS) == {}
    assert [row["code"] for row in comparison.compare_systems(ICBS_LAST_DAY)["rows"]] == ["QH8"]
    assert [row["practices"] for row in comparison.compare_systems(SUCCESSIONS_DAY)["rows"]] == [2]


def test_the_compare_page_lists_the_systems_of_the_date(client, s):
    before = client.get("/systems/compare/", {"date": "2026-03-31"}).context["rows"]
    after = client.get("/systems/compare/", {"date": "2026-04-01"}).context["rows"]

    assert [(row["code"], row["practices"]) for row in before] == [("QH8", 2)]
    assert [(row["code"], row["practices"]) for row in after] == [("D7T5G", 2)]


def test_the_home_page_counts_todays_systems(client, s):
    regions = client.get("/").context["regions"]

    assert [(row["code"], row["practices"]) for region in regions for row in region["systems"]] == [("D7T5G", 2)]


# Search ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "parent", "system"),
    [
        (DAY_BEFORE_MOVE, "U00101", "QH8"),
        (PCN_MOVE_DAY, "U00102", "QH8"),
        (SUCCESSIONS_DAY, "U00102", "D7T5G"),
        (BEFORE_ICBS, "U00101", None),
    ],
)
def test_search_says_where_an_organisation_was_on_the_date(s, date, parent, system):
    [found], _more = search.search_organisations("Moving Surgery", date)

    assert found["parent"]["code"] == parent
    assert (found["system"] or {}).get("code") == system


def _found(code: str, date: datetime.date) -> dict:
    [found] = search.search_organisations(code, date)[0][:1]  # an exact code comes first
    assert found["code"] == code
    return found


def test_search_places_a_closed_organisation_where_it_was_on_its_last_day(s):
    closed = ods("F81003", "practice", s["north"], name="Closed Surgery", closed=D(2025, 6, 30))
    link(closed, s["north"], Relation.PCN_MEMBER)

    practice = _found("F81003", D(2026, 11, 22))
    system = _found("QH8", SUCCESSIONS_DAY)

    # on its last day its PCN's place was in QH8, although today's tree has it under D7T5G
    assert (practice["open"], practice["parent"]["code"], practice["system"]["code"]) == (False, "U00101", "QH8")
    assert (system["open"], system["system"]) == (False, None)  # a system is in none but itself


def test_an_organisation_written_since_the_structure_was_read_is_still_placed(api, s):
    assert search.search_organisations("F81001", PCN_MOVE_DAY, version="v1")[0]  # v1's structure, remembered
    api.get(f"{API}/organisations/", {"kind": "practice"})  # and the API's, for its data version
    late = ods("F81009", "practice", s["north"], name="Late Surgery")  # written since, in the same versions

    [found] = search.search_organisations("F81009", PCN_MOVE_DAY, version="v1")[0][:1]
    listed = api.get(f"{API}/organisations/", {"kind": "practice", "q": "late"}).json()["results"]  # not replayed

    assert found["parent"]["code"] == "U00101"
    assert [item["parent"] for item in listed if item["code"] == late.code] == ["U00101"]


# The API -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "parent", "system", "ancestors"),
    [
        (DAY_BEFORE_MOVE, "U00101", "QH8", ["QH8", "06Q", "U00101"]),
        (SUCCESSIONS_DAY, "U00102", "D7T5G", ["D7T5G", "06Q", "U00102"]),
        (BEFORE_ICBS, "U00101", None, ["06Q", "U00101"]),
    ],
)
def test_api_detail_is_of_the_date(api, s, date, parent, system, ancestors):
    body = api.get(f"{API}/organisations/F81001/", {"date": date.isoformat()}).json()

    assert (body["parent"], body["system"]) == (parent, system)
    assert [a["code"] for a in body["ancestors"]] == ancestors


def test_api_detail_counts_the_children_of_the_date(api, s):
    def counts(code, date):
        return api.get(f"{API}/organisations/{code}/", {"date": date.isoformat()}).json()["child_counts"]

    assert counts("U00101", DAY_BEFORE_MOVE) == {"practice": 2}
    assert counts("U00101", PCN_MOVE_DAY) == {"practice": 1}
    assert counts("QH8", ICBS_LAST_DAY) == {"board": 1, "place": 1}
    assert counts("QH8", SUCCESSIONS_DAY) == {"board": 1}  # its place moved to its successor
    assert counts("D7T5G", SUCCESSIONS_DAY) == {"board": 1, "place": 1}


def test_api_detail_with_a_bad_date_is_a_400_naming_it(api, s):
    response = api.get(f"{API}/organisations/F81001/", {"date": "2026-02-30"})

    assert response.status_code == 400
    assert list(response.json()) == ["date"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"system": "QH8", "active_on": "2026-03-31"},
         ["06Q", "F81001", "F81002", "QH8", "qh8-board", "U00101", "U00102"]),
        ({"system": "QH8", "active_on": "2026-04-01"}, []),  # closed: nothing was in it
        ({"system": "D7T5G", "active_on": "2026-03-31"}, []),  # not yet open
        ({"system": "D7T5G", "active_on": "2026-04-01", "kind": "practice"}, ["F81001", "F81002"]),
        ({"system": "QH8"}, ["QH8", "qh8-board"]),  # without a date: today's tree
        ({"parent": "U00101", "active_on": "2024-03-31"}, ["F81001", "F81002"]),
        ({"parent": "U00101", "active_on": "2024-04-01"}, ["F81002"]),
        ({"parent": "U00102"}, ["F81001"]),
    ],
)  # fmt: skip
def test_api_lists_filter_by_the_structure_of_active_on(api, s, params, expected):
    response = api.get(f"{API}/organisations/", {"ordering": "code", **params})

    assert response.status_code == 200, response.json()
    assert sorted(codes(response), key=str.upper) == sorted(expected, key=str.upper)


@pytest.mark.parametrize(
    ("active_on", "parent", "system"),
    [
        ("2024-03-31", "U00101", "QH8"), ("2026-03-31", "U00102", "QH8"), ("2026-04-01", "U00102", "D7T5G"),
        (None, "U00102", "D7T5G"),
    ],
)  # fmt: skip
def test_api_list_items_say_their_parent_and_system_of_active_on(api, s, active_on, parent, system):
    query = {"kind": "practice", **({"active_on": active_on} if active_on else {})}
    [moving] = [item for item in api.get(f"{API}/organisations/", query).json()["results"] if item["code"] == "F81001"]

    assert (moving["parent"], moving["system"]) == (parent, system)


def test_api_children_of_the_date(api, s):
    assert codes(api.get(f"{API}/organisations/U00101/children/", {"active_on": "2024-03-31"})) == ["F81001", "F81002"]
    assert codes(api.get(f"{API}/organisations/U00101/children/", {"active_on": "2024-04-01"})) == ["F81002"]
    assert codes(api.get(f"{API}/organisations/QH8/children/", {"active_on": "2026-03-31"})) == ["06Q", "qh8-board"]
    assert codes(api.get(f"{API}/organisations/QH8/children/")) == ["qh8-board"]  # today's tree


def test_the_csv_list_is_of_active_on(api, s):
    response = api.get(f"{API}/organisations/", {"system": "QH8", "active_on": "2026-03-31", "format": "csv"})
    rows = [line.split(",") for line in response.content.decode().splitlines()]
    header, body = rows[0], rows[1:]
    moving = dict(zip(header, next(row for row in body if row[0] == "F81001"), strict=True))

    assert response.status_code == 200
    assert (moving["parent"], moving["system"]) == ("U00102", "QH8")


# Exports ------------------------------------------------------------------------------------------


def test_popolo_as_of_a_date_has_the_organisations_and_holders_of_that_day(api, s):
    before = api.get(f"{API}/systems/QH8/popolo/", {"date": "2026-03-31"}).json()
    after = api.get(f"{API}/systems/D7T5G/popolo/", {"date": "2026-04-01"}).json()
    today = api.get(f"{API}/systems/QH8/popolo/").json()
    parents = {o["id"]: o["parent_id"] for o in before["organizations"]}

    assert parents == {
        "QH8": None, "qh8-board": "QH8", "06Q": "QH8", "U00101": "06Q", "U00102": "06Q", "F81001": "U00102",
        "F81002": "U00101",
    }  # fmt: skip
    assert {o["id"]: o["parent_id"] for o in after["organizations"]}["06Q"] == "D7T5G"
    assert [m["person_id"] for m in before["memberships"]] == [before["persons"][0]["id"]]
    assert {o["id"] for o in today["organizations"]} == {"QH8", "qh8-board"}  # without a date: today's tree


def test_an_export_on_a_day_the_system_was_closed_is_a_404_saying_when_it_existed(api, s):
    for url in ("/systems/QH8/popolo/", "/systems/QH8/governance/", "/systems/QH8/summary/"):
        response = api.get(f"{API}{url}", {"date": "2026-04-01", "format": "json"})
        assert response.status_code == 404, url
        assert "existed from 1 July 2022 to 31 March 2026" in response.json()["detail"], url


def test_the_governance_file_as_of_a_date_has_the_holders_of_that_day(s):
    builders.appoint(builders.seat(s["new_board"], "Chair", role="chair"), "Illustrative Chair", D(2026, 6, 1))
    root = s["new"]

    on_day = write.governance_file(root, system_rows.on_day(root, SUCCESSIONS_DAY))
    whole = write.governance_file(root)

    assert [(seat["label"], [h["name"] for h in seat["holders"]]) for seat in on_day["seats"]] == [
        ("Mid Essex member", ["Illustrative D7T5G Member"]),
        ("Chair", []),
    ]
    assert [h["name"] for seat in whole["seats"] for h in seat["holders"]] == [
        "Illustrative D7T5G Member",
        "Illustrative Chair",
    ]


# The feeds and the LMC's footprint ---------------------------------------------------------------


def test_a_change_belongs_to_the_system_the_organisation_was_in_that_day(s):
    closed = ods("F81003", "practice", s["north"], name="Closed Surgery", closed=D(2025, 6, 30))
    link(closed, s["north"], Relation.PCN_MEMBER)
    opened = ods("F81004", "practice", s["north"], name="New Surgery", opened=D(2026, 5, 1))
    link(opened, s["north"], Relation.PCN_MEMBER)

    old = {(c.kind, c.organisation) for c in changes.recent_changes(s["old"].pk)}
    new = {(c.kind, c.organisation) for c in changes.recent_changes(s["new"].pk)}

    assert ("closed", "F81003") in old and ("closed", "F81003") not in new  # today's tree has it under D7T5G
    assert ("opened", "F81004") in new and ("opened", "F81004") not in old
    assert ("appointment_started", "qh8-board") in old and ("appointment_started", "qh8-board") not in new


def test_an_lmcs_footprint_is_of_the_date(s):
    committee = org("qh8-lmc", "lmc", s["old"], name="Essex LMC")
    Coverage.objects.create(lmc=committee, covered=s["north"])

    def footprint(date):
        return lmc.footprint(committee, SystemGraph.load(s["old"].pk, date))

    assert footprint(DAY_BEFORE_MOVE)["practices"] == 2
    assert footprint(PCN_MOVE_DAY)["practices"] == 1


# Constant queries at any date and size ----------------------------------------------------------


def grow(s, n: int) -> None:
    """``n`` more practices in Chelmsford South, linked as the import would link them."""
    for i in range(n):
        practice = ods(f"F8{i:04}", "practice", s["south"], sub_icb=s["place"], name=f"Extra Surgery {i}")
        link(practice, s["south"], Relation.PCN_MEMBER)
        link(practice, s["place"], Relation.PRACTICE_SUB_ICB)


PAGES = [
    "/organisations/F81001/",
    "/organisations/U00102/",
    "/organisations/06Q/",
    "/organisations/QH8/",
    "/organisations/D7T5G/",
    "/systems/compare/",
]
API_READS = [
    "/organisations/F81001/",
    "/organisations/F81001/path/",
    "/organisations/?system=D7T5G&active_on={date}",
    "/organisations/?system=QH8&active_on={date}&format=csv",
    "/organisations/U00102/children/?active_on={date}",
    "/paths/?codes=F81001,F81002",
    "/paths/?system=QH8",
    "/systems/QH8/popolo/",
]


def queries(client, urls, date, django_assert_max_num_queries, bound):
    for url in urls:
        joiner = "&" if "?" in url else "?"
        with django_assert_max_num_queries(bound, info=url):
            response = client.get(url.format(date=date) + f"{joiner}date={date}")
        assert response.status_code in (200, 400, 404), (url, response.status_code)


@pytest.mark.parametrize("date", ["2024-03-31", "2026-03-31", "2026-04-01"])
def test_pages_and_api_answers_cost_the_same_queries_at_any_date_and_size(
    client, api, s, date, django_assert_max_num_queries
):
    # Each: the data version, the organisation, its seats and holders, its successions, the
    # sources' ages, a page of rows; a unit's LMCs (the API detail's `lmcs`); and England's
    # structure in five queries, once per data version (so on the first: its names come with it). A page
    # adds its dated facts: its links (and a practice its places' links), registered patients (three at most).
    for n in (0, 40):
        grow(s, n)
        caching.reset()  # test writes never commit, so the data version (and the caches' keys) stay put
        queries(client, PAGES, date, django_assert_max_num_queries, 13)
        caching.reset()
        # The detail adds a unit's LMCs (one); its names and parent link come from the structure.
        queries(api, [f"{API}{url}" for url in API_READS], date, django_assert_max_num_queries, 10)
