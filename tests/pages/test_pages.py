"""The pages LMC staff browse: search, systems, an organisation with its ladder, a board, a person, the comparison."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from governance import caching
from governance.models import Appointment, Organisation, Person, Seat
from governance.reading import comparison, directory, structure, voice
from governance.reading.graph import SystemGraph, load_graphs
from tests.builders import BAD_DATES, D, appoint, org, seat, set_top_board
from tools import frontend

pytestmark = pytest.mark.django_db

DATE = D(2026, 1, 1)
BEFORE_BOLTON_LEAD = D(2023, 1, 1)


@pytest.fixture
def gm():
    """A small Greater Manchester: practice → PCN → place → (seat) GP board → (seat) provider
    committee → (reports to) ICB board. Bolton complete; Oldham's seat vacant from October
    2025; Wigan has no seat (broken); one Bolton practice closed in June 2024."""
    icb = org("QOP", "icb", name="NHS Greater Manchester ICB", region="North West")
    board = org("qop-board", "board", icb, name="ICB board")
    committee = org("qop-provider", "committee", board, name="Provider committee")
    gp_board = org("qop-gp-board", "board", icb, name="GP board")
    bolton = org("00T", "place", icb, name="Bolton")
    oldham = org("00Y", "place", icb, name="Oldham")
    wigan = org("02H", "place", icb, name="Wigan")
    org("qop-bolton-board", "board", bolton, name="Bolton Locality Board")
    pcn = org("U00001", "pcn", bolton, name="Bolton Central PCN")
    for i in range(1, 4):
        org(f"P0000{i}", "practice", pcn, name=f"Surgery {i}", postcode=f"BL1 {i}AA")
    org("P00009", "practice", pcn, name="Old Mill Surgery", opened=D(2000, 1, 1), closed=D(2024, 6, 30))
    org("P00011", "practice", org("U00002", "pcn", oldham, name="Oldham PCN"), name="Oldham Surgery")
    wigan_pcn = org("U00003", "pcn", wigan, name="Wigan PCN")
    org("P00021", "practice", wigan_pcn, name="Wigan Surgery A", postcode="WN1 1AA")
    org("P00022", "practice", wigan_pcn, name="Central Bolton Road Surgery", postcode="WN1 2AA")
    set_top_board(icb, board)

    appoint(seat(gp_board, "Bolton representative", represents=bolton, delegate=True), "Illustrative Bolton Lead")
    oldham_seat = seat(gp_board, "Oldham representative", represents=oldham, delegate=True)
    appoint(oldham_seat, "Illustrative Oldham Lead", D(2022, 7, 1), D(2025, 9, 30))
    delegate = seat(committee, "GP board representative", represents=gp_board, delegate=True, selection="nominated")
    appoint(delegate, "Illustrative Dual Role", D(2022, 7, 1))
    appoint(seat(board, "Chair", role="chair", selection="appointed"), "Illustrative Chair", D(2022, 7, 1))
    gp_partner = seat(
        board, "Partner member (primary medical services)", role="partner_member", sector="general_practice"
    )
    appoint(gp_partner, "Illustrative Dual Role", D(2022, 7, 1))
    seat(board, "Partner member (NHS trusts)", role="partner_member", sector="nhs_trusts", selection="nominated")
    return icb


@pytest.fixture
def north_east():
    """A system with no governance recorded."""
    icb = org("QHM", "icb", name="NHS North East ICB", region="North East and Yorkshire")
    place = org("00L", "place", icb, name="Northumberland")
    org("P00100", "practice", org("U00100", "pcn", place, name="Blyth PCN"), name="Blyth Surgery", postcode="NE24 1AA")
    return icb


def page(client, url, status=200, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def text(html: str) -> str:
    """The page's text, tags dropped and spaces collapsed, for phrase assertions."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# Home and search


def test_home_lists_systems_by_region_with_counts_and_governance(client, gm, north_east):
    html = text(page(client, reverse("governance:home")))

    assert "North West" in html and "North East and Yorkshire" in html
    assert "NHS Greater Manchester ICB QOP 3 3 6 Recorded" in html  # places, PCNs, open practices
    assert "NHS North East ICB QHM 1 1 1 Not recorded" in html
    assert 'href="/systems/compare/"' in page(client, "/")


def test_search_finds_by_code_postcode_district_name_and_person(client, gm, north_east):
    assert directory.search_organisations("p00002", DATE)[0][0]["code"] == "P00002"
    assert directory.search_organisations("bl11aa", DATE)[0][0]["code"] == "P00001"  # compact postcode
    assert [r["code"] for r in directory.search_organisations("WN1", DATE)[0]] == ["P00022", "P00021"]
    assert "Surgery 2" in page(client, "/", q="BL1 2AA")
    assert "Illustrative Dual Role" in page(client, "/", q="dual role")
    assert "Nothing matches" in page(client, "/", q="zzzz")


def test_search_ranks_exact_then_prefix_then_contains_and_open_before_closed(gm):
    ranked = [r["code"] for r in directory.search_organisations("bolton", DATE)[0]]
    # exact name, then names starting "Bolton" (boards before PCNs: governance.reading.search), then names
    # containing it
    assert ranked == ["00T", "qop-bolton-board", "U00001", "P00022"]

    surgeries = [r["code"] for r in directory.search_organisations("surgery", DATE)[0]]
    assert surgeries[-1] == "P00009"  # the closed practice comes last
    assert [r["open"] for r in directory.search_organisations("old mill", DATE)[0]] == [False]


def test_search_is_limited_and_says_there_is_more(gm):
    results, more = directory.search_organisations("surgery", DATE, limit=3)
    assert len(results) == 3 and more


# The ladder


def test_practice_page_draws_the_ladder_from_the_board_down(client, gm):
    html = page(client, "/organisations/P00001/", date=DATE.isoformat())
    words = text(html)

    assert "Complete chain" in words and "5 layers up to ICB board" in words
    ladder = html[
        html.index('<ol class="icsmap-ladder"') : html.index("</ol>", html.index('<ol class="icsmap-ladder"'))
    ]
    assert ladder.count('<li class="icsmap-rung') == 6
    rungs = ladder[ladder.index("<li") :]
    order = [
        rungs.index(f"{name}</") for name in ("ICB board", "Provider committee", "GP board", "Bolton", "Surgery 1")
    ]
    assert order == sorted(order)  # top board first, practice last
    ladder_words = text(ladder)
    assert "Provider committee reports to ICB board" in ladder_words
    assert "GP board has a seat on Provider committee" in ladder_words
    assert "Bolton Central PCN is a member of Bolton" in ladder_words
    assert "Illustrative Bolton Lead , since 1 April 2023" in ladder_words
    assert "Elected" in ladder_words and "Delegate" in ladder_words and "Voting" in ladder_words


def test_sector_seats_sit_beside_the_ladder_gp_first_and_not_delegates(client, gm):
    html = page(client, "/organisations/P00001/", date=DATE.isoformat())
    aside = text(html[html.index('<aside class="icsmap-aside"') : html.index("</aside>")])

    assert aside.index("General practice") < aside.index("NHS trusts")
    assert "Partner member (primary medical services)" in aside and "Not a delegate" in aside
    assert "Vacant" in aside  # the trusts' partner member
    # the same person sits on the path and beside it: called out as an interlock
    assert "Also on this path: GP board representative (Provider committee)" in text(html)


def test_a_vacant_seat_makes_the_chain_incomplete_with_text_and_icon(client, gm):
    html = page(client, "/organisations/P00011/", date=DATE.isoformat())

    assert "Incomplete chain" in text(html) and "Nobody holds this seat on 1 January 2026" in text(html)
    assert "icsmap-rung__link--vacant" in html and "icsmap-icon--warning" in html
    before = page(client, "/organisations/P00011/", date="2025-09-30")
    assert "Complete chain" in text(before)


def test_the_as_of_date_redraws_the_ladder(client, gm):
    html = page(client, "/organisations/P00001/", date=BEFORE_BOLTON_LEAD.isoformat())

    assert "Incomplete chain" in text(html) and 'value="2023-01-01"' in html


def test_a_broken_chain_says_where_it_breaks(client, gm):
    html = page(client, "/organisations/P00021/", date=DATE.isoformat())
    words = text(html)

    assert "Broken chain" in words and "No route from Wigan Surgery A to ICB board" in words
    assert "The chain breaks at Wigan (02H)" in words and "Chain breaks here" in words
    assert "nhsuk-icon--cross" in html


def test_pcn_page_has_its_ladder_too(client, gm):
    words = text(page(client, "/organisations/U00001/", date=DATE.isoformat()))

    assert "Complete chain" in words and "4 layers up to ICB board" in words


def test_a_closed_practice_at_a_date_says_so_instead_of_a_ladder(client, gm):
    html = page(client, "/organisations/P00009/", date=DATE.isoformat())

    assert "was closed on 1 January 2026: it closed on 30 June 2024" in text(html)
    assert "icsmap-ladder" not in html
    assert "icsmap-ladder" in page(client, "/organisations/P00009/", date="2024-06-30")


def test_a_system_without_governance_says_so(client, north_east):
    assert "No governance recorded" in text(page(client, "/organisations/P00100/"))
    system = text(page(client, "/organisations/QHM/"))
    assert "No governance recorded" in system and "Northumberland 00L 1 1" in system


def test_bad_date_is_a_400_page_with_a_clear_message(client, gm):
    for url in ("/organisations/P00001/", "/organisations/QOP/", "/systems/compare/"):
        html = page(client, url, status=400, date="2023-02-30")
        assert "“2023-02-30” is not a date. Give the date as YYYY-MM-DD" in html
        assert "There is a problem" in html


@pytest.mark.parametrize("bad", BAD_DATES)
def test_the_same_bad_date_is_a_400_page_everywhere(client, gm, bad):
    person = Person.objects.get(name="Illustrative Dual Role")
    for url in ("/organisations/P00001/", "/organisations/QOP/", "/systems/compare/", f"/people/{person.pk}/"):
        html = page(client, url, status=400, date=bad)
        assert f"“{bad}” is not a date. Give the date as YYYY-MM-DD" in html


def test_unknown_code_or_person_is_a_404(client, gm):
    assert "Page not found" in page(client, "/organisations/NOPE/", status=404)
    page(client, "/people/999999/", status=404)


# Only PostgreSQL refuses a NUL in a query (a 500 before the one guard, governance.domain.lookups);
# on SQLite these pass either way.
def test_a_code_with_a_null_character_is_a_404(client, gm):
    assert "Page not found" in page(client, "/organisations/a\x00b/", status=404)


def test_search_words_with_a_null_character_match_nothing(client, gm):
    assert "Nothing matches" in text(page(client, "/", q="Surgery\x00"))
    assert directory.search_organisations("P00001\x00", DATE) == ([], False)
    assert directory.search_people("Illustrative\x00") == ([], False)


# Organisation, system and board pages


def test_organisation_page_has_breadcrumb_children_counts_boards_and_seats_for_it(client, gm):
    html = page(client, "/organisations/00T/", date=DATE.isoformat())
    start = html.index('<nav class="nhsuk-breadcrumb"')
    crumbs = html[start : html.index("</nav>", start)]
    words = text(html)

    assert "Home" in crumbs and "NHS Greater Manchester ICB" in crumbs
    assert "Bolton Central PCN Primary care network U00001 0 3" in words  # practices open below
    assert "Its boards and committees" in words and "Bolton Locality Board" in words
    assert "Seats elsewhere that speak for it" in words and "Bolton representative GP board" in words


def test_children_are_paginated(client, gm, monkeypatch):
    monkeypatch.setattr(structure, "CHILDREN_PER_PAGE", 2)
    first = page(client, "/organisations/U00001/", date=DATE.isoformat())
    second = page(client, "/organisations/U00001/", date=DATE.isoformat(), page="2")

    assert "Page 1 of 2" in first and "page=2" in first and "date=2026-01-01" in first
    assert "Page 2 of 2" in second and 'rel="prev"' in second
    assert "Surgery 1" in first and "Surgery 3" in second


def test_system_page_shows_voice_of_general_practice_tree_and_places(client, gm):
    html = page(client, "/organisations/QOP/", date=DATE.isoformat())
    words = text(html)

    assert "67% of practices whose route is recorded have a chain that reaches the board (4 of 6)" in words
    assert "Routes to the board: 4 reach it, 2 are broken, and for 0 no route is recorded." in words
    assert "50% have a complete chain, every seat filled (3 of 6)" in words
    assert "Wigan (02H) : 2 practices" in words
    assert "<details" in html and "<summary" in html  # collapsible without JavaScript
    assert "Provider committee Committee · layer 1" in words
    assert "Has a seat on: Provider committee" in words
    assert "Bolton 00T 1 3 3 3" in words  # PCNs, practices, reaching, complete
    assert "Wigan 02H 1 2 2 broken; 0 0" in words  # its two practices' chains break


def test_voice_summary_is_plain_data_per_layer(gm):
    root = gm
    summary = voice.summarise(SystemGraph.load(root.pk, DATE))

    assert summary["practices"] == {
        "total": 6,
        "reaching_top": 4,
        "complete": 3,
        "share_reaching_top": 0.6667,
        "share_complete": 0.5,
        "median_distance": 5,
        "routes": {"reaches": 4, "broken": 2, "not_recorded": 0},
        "recorded": 6,
    }
    by_layer = {layer["layer"]: layer for layer in summary["layers"]}
    assert (by_layer[0]["seats"], by_layer[0]["filled"], by_layer[0]["delegate"]) == (1, 1, 0)  # GP partner member
    assert by_layer[1]["seats"] == 1  # the seat for the GP board, a body of GP seats
    assert (by_layer[2]["seats"], by_layer[2]["filled"], by_layer[2]["vacant"], by_layer[2]["elected"]) == (2, 1, 1, 2)
    assert by_layer[None]["bodies"] == [{"code": "qop-bolton-board", "name": "Bolton Locality Board", "kind": "board"}]
    assert summary["breaks"] == [{"organisation": {"code": "02H", "name": "Wigan", "kind": "place"}, "practices": 2}]
    assert summary["top_board_gp_seats"] == 1 and summary["vacant_seats"] == 2
    assert voice.system_summary("NOPE", DATE) is None


def test_board_page_lists_seats_holders_vacancies_roles_and_selection(client, gm):
    words = text(page(client, "/organisations/qop-board/", date=DATE.isoformat()))

    assert "This is the top board of NHS Greater Manchester ICB" in words
    assert "3 seats, 2 filled and 1 vacant" in words
    assert "Chair Chair; appointed" in words
    assert (
        "Partner member (NHS trusts) Partner member; nominated NHS trusts and foundation trusts (sector) Vacant"
        in words
    )
    gp_board = text(page(client, "/organisations/qop-gp-board/", date=DATE.isoformat()))
    assert "Oldham representative Representative; elected; delegate Oldham Vacant" in gp_board
    assert "Has a seat on" not in gp_board and "Complete chain" in gp_board  # the body's own ladder


def test_person_page_lists_seats_by_date_and_calls_out_interlocks(client, gm):
    person = Person.objects.get(name="Illustrative Dual Role")
    words = text(page(client, f"/people/{person.pk}/", date=DATE.isoformat()))

    assert "2 appointments, 2 current on 1 January 2026" in words
    assert "Holds seats on 2 bodies of NHS Greater Manchester ICB" in words
    assert "Sits at two layers of the same path" in words
    assert "GP board representative on Provider committee , whose route to the board passes through ICB board" in words
    oldham = Person.objects.get(name="Illustrative Oldham Lead")
    assert "Ended" in text(page(client, f"/people/{oldham.pk}/", date=DATE.isoformat()))


# Compare


def test_compare_has_a_row_per_system_and_sorts_server_side(client, gm, north_east):
    html = page(client, "/systems/compare/", date=DATE.isoformat(), sort="-share_complete")
    words = text(html)

    assert words.index("NHS Greater Manchester ICB") < words.index("NHS North East ICB")
    assert "NHS North East ICB North East and Yorkshire No governance recorded" in words
    assert (
        "NHS Greater Manchester ICB North West 5 50% (3 of 6) as recorded, not verified 1 2 Not met (2 of 9) "
        "Not verified" in words
    )
    assert 'aria-sort="descending"' in html and html.count("aria-sort=") == 1
    assert "sort=share_complete" in html  # the sorted column's link flips the order
    assert 'value="2026-01-01"' in html and 'name="sort" value="-share_complete"' in html  # the date form keeps both
    default = page(client, "/systems/compare/")
    assert 'aria-sort="ascending"' in default and "?sort=-name" in default


def test_compare_rows_without_governance_sort_last_either_way(gm, north_east):
    for sort in ("vacancies", "-vacancies", "median_distance", "-gp_seats"):
        rows = comparison.compare_systems(DATE, sort)["rows"]
        assert [r["code"] for r in rows] == ["QOP", "QHM"]
    assert comparison.parse_sort("nonsense") == ("name", False)


def test_load_graphs_matches_system_graph_load(gm, north_east):
    graphs = load_graphs([gm.pk, north_east.pk], DATE)
    for root in (gm, north_east):
        one = SystemGraph.load(root.pk, DATE)
        assert graphs[root.pk].path(root.pk) == one.path(root.pk)
        assert [s.as_json() for s in graphs[root.pk].seats] == [s.as_json() for s in one.seats]


# Bounded queries


def _grow(icb, prefix: str, places: int = 3, practices: int = 8):
    """Add places, PCNs, practices, a GP board seat for each place and holders: a bigger system."""
    icb = Organisation.objects.get(pk=icb.pk)  # fresh tree fields
    gp_board = Organisation.objects.filter(code="qop-gp-board").first()
    for p in range(places):
        place = org(f"{prefix}{p}X", "place", icb, name=f"Extra place {p}")
        pcn = org(f"U{prefix}{p}000", "pcn", place)
        for i in range(practices):
            org(f"P{prefix}{p}{i:03}", "practice", pcn)
        if gp_board is not None and gp_board.tree_id == icb.tree_id:
            appoint(seat(gp_board, f"Extra representative {p}", represents=place, delegate=True), f"Extra Lead {p}")


URLS = [
    "/",
    "/?q=surgery",
    "/organisations/QOP/",
    "/organisations/00T/",
    "/organisations/U00001/",
    "/organisations/P00001/",
    "/organisations/qop-board/",
    "/organisations/qop-gp-board/",
    "/systems/compare/",
]
# Each reads the data version too. The home page, cold, reads England's structure (five, then
# remembered per data version), the systems open that day and the sources' ages; a search adds
# its match, a closed match's successors and the people.
MAX_QUERIES = {"/": 8, "/?q=surgery": 10, "/systems/compare/": 7}


def test_every_page_runs_a_bounded_number_of_queries(client, gm, north_east, django_assert_max_num_queries):
    person = f"/people/{Person.objects.get(name='Illustrative Dual Role').pk}/"
    for url in [*URLS, person]:
        with django_assert_max_num_queries(MAX_QUERIES.get(url, 15)):
            assert client.get(url).status_code == 200
    _grow(gm, "9")
    _grow(north_east, "8")
    caching.reset()  # test writes never commit, so the data version (and the caches' keys) stay put
    for url in [*URLS, person]:
        with django_assert_max_num_queries(MAX_QUERIES.get(url, 15)):
            assert client.get(url).status_code == 200


# Nothing from another host


_RESOURCE = re.compile(
    r"""<(?:link|script|img|iframe|source|audio|video|embed|object)\b[^>]*\b(?:href|src|data|srcset)=["']?([^"' >]+)"""
    r"""|url\(\s*["']?([^)"']+)|@import\s+["']?([^"';]+)|\baction=["']?([^"' >]+)""",
    re.IGNORECASE,
)


def external_resources(html: str) -> list[str]:
    """Whatever a page would fetch (or post to) from another host."""
    found = [next(g for g in match if g) for match in _RESOURCE.findall(html)]
    return [url for url in found if re.match(r"^(?:[a-z]+:)?//", url, re.IGNORECASE)]


def test_no_page_references_an_external_host(client, gm, north_east):
    urls = [*URLS, "/organisations/P00021/", "/organisations/QHM/", "/organisations/NOPE/"]
    urls.append(f"/people/{Person.objects.get(name='Illustrative Dual Role').pk}/")
    for url in urls:
        html = client.get(url).content.decode()
        assert external_resources(html) == [], url
        assert "assets.nhs.uk" not in html and "fonts.googleapis" not in html and "://" not in html, url


def test_served_css_has_no_external_urls():
    ours = Path(finders.find("governance/icsmap.css")).read_text()
    assert frontend.external_urls(ours) == []
    nhsuk = finders.find(f"nhsuk/{frontend.LOCAL_NAME}")
    if nhsuk:  # installed by `make install` (npm ci): must be the localised copy
        css = Path(nhsuk).read_text()
        assert frontend.external_urls(css) == [] and "assets.nhs.uk" not in css and "@font-face" not in css


def test_localise_css_strips_the_font_cdn_and_makes_asset_urls_relative():
    css = (
        "html{font-family:Frutiger W01,arial,sans-serif}"
        '@font-face{font-family:Frutiger W01;src:url(https://assets.nhs.uk/fonts/F.woff2) format("woff2")}'
        "@font-face{font-family:Local;src:url(local.woff2)}"
        ".x{background:url(/assets/images/nhsuk-icon-cross.svg)}/*# sourceMappingURL=a.css.map */"
    )
    local = frontend.localise_css(css)

    assert frontend.external_urls(css) and not frontend.external_urls(local)
    assert "assets.nhs.uk" not in local and "Frutiger" not in local and "system-ui" in local
    assert "url(local.woff2)" in local and "url(assets/images/nhsuk-icon-cross.svg)" in local
    assert "sourceMappingURL" not in local


def test_pages_render_without_the_npm_package(client, gm, settings):
    settings.STATICFILES_DIRS = []  # as on a clone where `npm ci` has not run: {% static %} must not raise
    assert "nhsuk-frontend.local.min.css" in page(client, "/organisations/P00001/")


def test_pages_link_the_local_nhsuk_frontend():
    html = Path(settings.BASE_DIR / "templates" / "base.html").read_text()
    assert "nhsuk/nhsuk-frontend.local.min.css" in html and "nhsuk/nhsuk-frontend.min.js" in html


def test_a_board_off_the_path_says_it_has_no_route_of_its_own(client, gm):
    words = text(page(client, "/organisations/qop-bolton-board/", date=DATE.isoformat()))

    assert "Broken chain" in words and "neither reports to a board or committee that reaches the top board" in words
    assert "Chain breaks here" not in words


# Holders not recorded, and where holders come from


@pytest.fixture
def unrecorded(gm):
    """Oldham's GP board seat: nobody knows who holds it (rather than vacant since October 2025)."""
    oldham_seat = Seat.objects.get(label="Oldham representative")
    oldham_seat.appointments.all().delete()
    Seat.objects.filter(pk=oldham_seat.pk).update(holders_recorded=False)
    return gm


def test_a_not_recorded_seat_says_so_in_words_and_style_never_vacant(client, unrecorded):
    html = page(client, "/organisations/P00011/", date=DATE.isoformat())
    words = text(html)

    assert "Holders not recorded" in words and "who holds 1 seat on the way is not recorded" in words
    assert "Who holds this seat is not recorded" in words
    assert "icsmap-rung__link--unrecorded" in html and "icsmap-status--unrecorded" in html
    assert "icsmap-rung__link--vacant" not in html and "Complete chain" not in words
    assert "Nobody holds this seat" not in words.split("Beside the path")[0]  # only the trusts' sector seat is empty
    gp_board = text(page(client, "/organisations/qop-gp-board/", date=DATE.isoformat()))
    assert "Oldham representative Representative; elected; delegate Oldham Not recorded" in gp_board
    assert "2 seats, 1 filled, 0 vacant and 1 whose holders are not recorded" in gp_board


def test_the_summary_and_comparison_count_not_recorded_apart_from_vacant(client, unrecorded, north_east):
    summary = voice.summarise(SystemGraph.load(unrecorded.pk, DATE))
    by_layer = {layer["layer"]: layer for layer in summary["layers"]}

    assert (by_layer[2]["filled"], by_layer[2]["vacant"], by_layer[2]["unrecorded"]) == (1, 0, 1)
    assert (summary["vacant_seats"], summary["unrecorded_seats"]) == (1, 1)
    assert summary["practices"]["complete"] == 3  # Oldham's chain is not complete: unknown is not filled
    row = next(r for r in comparison.compare_systems(DATE)["rows"] if r["code"] == "QOP")
    assert (row["vacancies"], row["unrecorded"]) == (1, 1)
    assert "1 not recorded" in text(page(client, "/systems/compare/", date=DATE.isoformat()))


def test_illustrative_holders_are_announced_at_the_top_of_the_systems_pages(client, gm, north_east):
    Organisation.objects.filter(pk=gm.pk).update(illustrative=True)
    dual = Person.objects.get(name="Illustrative Dual Role")

    for url in ("/organisations/QOP/", "/organisations/P00001/", "/organisations/U00001/", "/organisations/qop-board/"):
        html = page(client, url, date=DATE.isoformat())
        assert "Illustrative holders" in html, url
        assert html.index("<h1") < html.index("Illustrative holders") < html.index("icsmap-asof"), url  # at the top
    person = page(client, f"/people/{dual.pk}/", date=DATE.isoformat())
    assert "The people shown holding seats in NHS Greater Manchester ICB are invented" in text(person)
    ladder = text(page(client, "/organisations/P00001/", date=DATE.isoformat()))
    assert "by illustrative holders, invented for the demo" in ladder
    for url in ("/organisations/QHM/", "/organisations/P00100/", "/systems/compare/", "/"):
        assert "Illustrative holders" not in page(client, url), url


def test_source_and_verification_are_shown_on_the_systems_pages(client, gm):
    Organisation.objects.filter(pk=gm.pk).update(
        governance_source="https://example.org/qop-board-papers", verified_on=D(2026, 11, 3)
    )
    Appointment.objects.filter(person__name="Illustrative Chair").update(source="ICB annual report 2025")

    words = text(page(client, "/organisations/qop-board/", date=DATE.isoformat()))
    ladder = text(page(client, "/organisations/P00001/", date=DATE.isoformat()))

    assert (
        "Holders in NHS Greater Manchester ICB last verified 3 November 2026 against "
        "https://example.org/qop-board-papers ." in words
    )
    assert "Illustrative Chair since 1 July 2022 Source: ICB annual report 2025" in words
    assert "Complete chain" in ladder and "not been verified" not in ladder
    Organisation.objects.filter(pk=gm.pk).update(verified_on=None)
    caching.reset()
    unverified = text(page(client, "/organisations/P00001/", date=DATE.isoformat()))
    assert "these holders have not been verified against a published source" in unverified


def test_system_page_checks_the_statutory_composition_of_its_board(client, gm):
    html = page(client, "/organisations/QOP/", date=DATE.isoformat())
    words = text(html)

    assert "Statutory seats on the board" in words and "Not met a statutory seat is missing or vacant" in words
    assert "A chair by the Act 1 1 0 0 Met" in words
    assert "A partner member nominated by NHS trusts and foundation trusts by the Act 1 0 1 0 Vacant" in words
    assert "Two non-executive members by NHS England policy 0 0 0 0 Missing" in words


def test_system_page_lists_seats_vacant_now_and_terms_ending_within_90_days(client, gm):
    chair = Appointment.objects.get(person__name="Illustrative Chair")
    Appointment.objects.filter(pk=chair.pk).update(term_ends=D(2026, 3, 1))  # 59 days after DATE
    Appointment.objects.filter(person__name="Illustrative Bolton Lead").update(term_ends=D(2026, 6, 1))  # later

    words = text(page(client, "/organisations/QOP/", date=DATE.isoformat()))
    to_fill = structure.seats_to_fill(SystemGraph.load(gm.pk, DATE))

    assert "Vacant Oldham representative, on GP board" in words
    assert "Vacant Partner member (NHS trusts), on ICB board" in words
    assert "Terms due to end by 1 April 2026" in words
    assert "Chair, on ICB board : Illustrative Chair ’s term is due to end on 1 March 2026" in words
    assert [t["name"] for t in to_fill["terms_ending"]] == ["Illustrative Chair"]
    assert {s["label"] for s in to_fill["vacant"]} == {"Oldham representative", "Partner member (NHS trusts)"}
