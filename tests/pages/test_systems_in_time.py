"""The pages in time: the systems open on a date, closed and new ICBs with their successions, the sources' ages."""

import re

import pytest
from django.utils import timezone

from governance import caching
from governance.domain.dates import in_words
from governance.models import Dataset, Relation
from governance.reading import directory, sources
from tests.builders import (
    BAD_DATES,
    ICBS_ESTABLISHED,
    ICBS_LAST_DAY,
    SUCCESSIONS_DAY,
    D,
    commit_now,
    essex_successions,
    icb,
    link,
    ods,
    shipped_datasets,
    succession,
)

pytestmark = pytest.mark.django_db

SHIPPED_SENTENCE = (
    "Practices as published in February 2026; PCN memberships as published in January 2025; "
    "sub-ICB locations and ICBs: ONS lookup as at 1 July 2022, with the successions of 1 April 2026"
)


def page(client, url, status=200, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def text(html: str) -> str:
    """The page's text, tags dropped and spaces collapsed, for phrase assertions."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def frimley():
    """NHS Frimley (closed 31 March 2026), split between a new ICB and an existing one that took part of it."""
    s = {
        "qnq": icb("QNQ", "NHS Frimley", region="South East", closed=ICBS_LAST_DAY),
        "thames": icb("S0E4D", "NHS Thames Valley", region="South East", opened=SUCCESSIONS_DAY),
        "qrl": icb("QRL", "NHS Hampshire and Isle of Wight", region="South East"),
        "qu9": icb(
            "QU9", "NHS Buckinghamshire Oxfordshire and Berkshire West", region="South East", closed=ICBS_LAST_DAY
        ),
    }
    succession(s["qnq"], s["thames"], SUCCESSIONS_DAY, "split")
    succession(s["qnq"], s["qrl"], SUCCESSIONS_DAY, "acquisition")
    succession(s["qu9"], s["thames"], SUCCESSIONS_DAY, "merger")
    return s


# The home page: the systems open on the chosen date


def test_home_lists_the_systems_open_on_the_chosen_date_with_that_days_counts(client):
    essex_successions()

    before = text(page(client, "/", date="2026-03-31"))
    after = text(page(client, "/", date="2026-04-01"))

    assert "Systems by NHS region on 31 March 2026" in before and "2 systems open on 31 March 2026" in before
    assert "NHS Mid and South Essex QH8 1 1 2" in before  # Mid Essex was still QH8's
    assert "NHS Cambridgeshire and Peterborough QUE 1 1 1" in before
    assert "NHS Essex" not in before.replace("NHS Essex)", "")  # not yet open
    assert "Systems by NHS region on 1 April 2026" in after and "2 systems open on 1 April 2026" in after
    assert "NHS Essex D7T5G 1 1 2" in after and "Mid and South Essex" not in after
    assert "NHS Cambridgeshire and Peterborough QUE 1 1 1" in after


def test_home_counts_by_date_as_plain_data():
    essex_successions()

    def systems(day):
        return {
            s["code"]: (s["places"], s["pcns"], s["practices"])
            for r in directory.systems_by_region(day)
            for s in r["systems"]
        }

    assert systems(D(2022, 6, 30)) == {}  # before the ICBs
    assert systems(ICBS_LAST_DAY) == {"QUE": (1, 1, 1), "QH8": (1, 1, 2)}
    assert systems(SUCCESSIONS_DAY) == {"QUE": (1, 1, 1), "D7T5G": (1, 1, 2)}


def test_home_defaults_to_today_and_its_form_keeps_the_search(client):
    essex_successions()

    html = page(client, "/", q="essex", date="2026-03-31")

    assert 'id="as-of-date" name="date" type="date" value="2026-03-31"' in html
    assert '<input type="hidden" name="q" value="essex">' in html
    assert 'href="/organisations/QH8/?date=2026-03-31"' in html  # the systems as they stood that day
    today = page(client, "/")
    assert "NHS Essex D7T5G" in text(today) and "QH8" not in text(today)
    assert 'href="/organisations/D7T5G/"' in today


def test_home_before_any_system_says_so(client):
    essex_successions()

    assert "No system is recorded as open on 1 January 2021" in text(page(client, "/", date="2021-01-01"))


@pytest.mark.parametrize("bad", BAD_DATES)
def test_a_bad_as_of_date_on_the_home_page_is_a_400_page_that_says_so(client, bad):
    essex_successions()

    html = text(page(client, "/", status=400, date=bad))

    assert f"“{bad}” is not a date. Give the date as YYYY-MM-DD" in html


def _more_systems(first: int, last: int) -> None:
    """Systems ``QZ<first>`` to ``QZ<last - 1>``, each with a place, four PCNs and four practices."""
    for n in range(first, last):
        system = icb(f"QZ{n:02}", f"NHS Test {n}", region="North West" if n % 2 else "Midlands")
        place = ods(f"9{n:02}", "place", system, name=f"Place {n}")
        link(place, system, Relation.SUB_ICB_ICB, start=ICBS_ESTABLISHED)
        for p in range(4):
            pcn = ods(f"U9{n:02}{p}", "pcn", place, name=f"Network {n}{p}")
            link(pcn, place, Relation.PCN_SUB_ICB)
            link(ods(f"P9{n:02}{p}", "practice", pcn, name=f"Surgery {n}{p}"), pcn, Relation.PCN_MEMBER)


# Cold: the data version, England's structure (five), the systems open that day, the sources.
HOME_COLD_QUERIES = 8


def test_home_runs_the_same_queries_however_many_systems(client, django_assert_max_num_queries):
    essex_successions()
    _more_systems(0, 3)
    shipped_datasets()
    for day in ("2026-03-31", "2026-04-01", ""):
        caching.reset()
        with django_assert_max_num_queries(HOME_COLD_QUERIES):
            assert client.get("/", {"date": day}).status_code == 200
    with django_assert_max_num_queries(2):  # another date: the structure and the sources are remembered
        assert client.get("/", {"date": "2025-01-01"}).status_code == 200

    _more_systems(3, 40)
    caching.reset()
    with django_assert_max_num_queries(HOME_COLD_QUERIES):
        words = text(page(client, "/"))
    assert "42 systems open on" in words and "NHS Test 39 QZ39 1 4 4" in words


# Closed and new ICBs


def test_a_closed_icb_says_so_at_the_top_and_names_its_successor_with_date_and_type(client):
    essex_successions()

    html = page(client, "/organisations/QH8/")
    words = text(html)

    top = words[: words.index("Code QH8")]  # before the facts: at the top
    assert "Important: Closed on 31 March 2026" in top
    today = in_words(timezone.localdate())
    assert (
        f"NHS Mid and South Essex (QH8) was not open on {today}: the system existed from 1 July 2022 to 31 March 2026."
        in top
    )
    assert "Merged into NHS Essex (D7T5G) on 1 April 2026" in top
    assert 'href="/organisations/D7T5G/"' in html
    assert 'href="?date=2026-03-31"' in html and "as it stood on its last day, 31 March 2026" in top
    assert "Not open on" not in words  # said once, at the top


def test_a_closed_icb_on_a_day_it_was_open_still_says_it_closed(client):
    essex_successions()

    words = text(page(client, "/organisations/QH8/", date="2026-03-31"))

    assert "Closed on 31 March 2026" in words
    assert (
        "NHS Mid and South Essex closed on 31 March 2026: the system existed from 1 July 2022 to 31 March 2026."
        in words
    )
    assert "Merged into NHS Essex (D7T5G) on 1 April 2026" in words
    assert "as it stood on its last day" not in words and "Not open on" not in words


def test_a_new_icb_says_when_it_opened_and_names_its_predecessors(client):
    essex_successions()

    html = page(client, "/organisations/D7T5G/")
    words = text(html)

    assert "Opened on 1 April 2026" in words
    assert "Took over NHS Mid and South Essex (QH8), which merged into it, on 1 April 2026" in words
    assert 'href="/organisations/QH8/"' in html
    assert "Closed on" not in words


def test_an_icb_before_it_opened_says_when_the_system_exists(client):
    essex_successions()

    words = text(page(client, "/organisations/D7T5G/", date="2026-03-31"))

    assert "Not open on 31 March 2026" in words
    assert "NHS Essex (D7T5G) was not open on 31 March 2026: the system has existed since 1 April 2026." in words
    assert "The voice of general practice" not in words  # no system to speak of that day


def test_a_practice_on_a_day_its_system_was_not_open_says_when_the_system_existed(client):
    essex_successions()

    words = text(page(client, "/organisations/F81001/", date="2022-06-30"))

    assert "In no open system on 30 June 2022" in words  # open that day: only its system was not
    assert "integrated care boards were established on 1 July 2022" in words
    assert "its system, NHS Mid and South Essex (QH8), existed from 1 July 2022 to 31 March 2026" in words
    assert "System NHS Mid and South Essex" in text(page(client, "/organisations/F81001/", date="2026-03-31"))


def test_split_and_acquisition_are_said_with_their_types(client):
    frimley()

    closed = text(page(client, "/organisations/QNQ/"))
    assert "Split: part to NHS Thames Valley (S0E4D) on 1 April 2026" in closed
    assert "Acquisition: part taken over by NHS Hampshire and Isle of Wight (QRL) on 1 April 2026" in closed
    assert "Its successors:" in closed

    new = text(page(client, "/organisations/S0E4D/"))
    assert "Opened on 1 April 2026" in new
    assert (
        "Took over NHS Buckinghamshire Oxfordshire and Berkshire West (QU9), which merged into it, on 1 April 2026"
        in new
    )
    assert "Took over part of NHS Frimley (QNQ), which split, on 1 April 2026" in new

    acquirer = text(page(client, "/organisations/QRL/"))
    assert "Opened on" not in acquirer and "Successions" in acquirer  # it opened in 2022, not by succession
    assert "Took over part of NHS Frimley (QNQ) by acquisition on 1 April 2026" in acquirer


def test_an_icb_closing_later_says_what_will_happen(client):
    closing, opening = (
        icb("QZA", "NHS Closing Soon", closed=D(2099, 3, 31)),
        icb("QZB", "NHS Opening Soon", opened=D(2099, 4, 1)),
    )
    succession(closing, opening, D(2099, 4, 1), "merger")

    closing = text(page(client, "/organisations/QZA/"))
    opening = text(page(client, "/organisations/QZB/", date="2099-04-01"))

    assert (
        "Closes on 31 March 2099 (its last day)" in closing
        and "Merges into NHS Opening Soon (QZB) on 1 April 2099" in closing
    )
    assert "Closed on" not in closing
    assert "Opens on 1 April 2099" in opening and "Takes over NHS Closing Soon (QZA)" in opening


# Search finds new and closed ICBs


def test_search_finds_new_and_closed_icbs_by_name_marking_the_closed(client):
    essex_successions()
    frimley()

    essex = text(page(client, "/", q="NHS Essex"))
    assert "NHS Essex Integrated care board · D7T5G" in essex
    thames = text(page(client, "/", q="Thames Valley"))
    assert "NHS Thames Valley Integrated care board · S0E4D" in thames
    closed = text(page(client, "/", q="Mid and South Essex"))
    assert "NHS Mid and South Essex Closed Integrated care board · QH8 · closed 31 March 2026" in closed
    assert "closed 31 March 2026 · succeeded by NHS Essex" in closed
    frimley_found = text(page(client, "/", q="Frimley"))
    assert "succeeded by NHS Hampshire and Isle of Wight , NHS Thames Valley" in frimley_found


# How old the sources are


def test_pages_say_how_old_each_source_is(client):
    essex_successions()
    shipped_datasets()

    for url in ("/", "/organisations/D7T5G/", "/organisations/F81001/", "/organisations/QH8/"):
        assert f"Sources: {SHIPPED_SENTENCE}." in text(page(client, url)), url


def test_without_source_rows_nothing_is_said_about_sources(client):
    essex_successions()

    assert sources.source_ages() is None
    for url in ("/", "/organisations/D7T5G/", "/organisations/F81001/"):
        assert "Sources:" not in text(page(client, url)), url


def test_the_sources_sentence_follows_the_rows_there_are():
    rows = [
        {"role": "pcns", "file": "e.xlsx", "data_date": None, "published": "", "source": "", "imported_at": None},
        {"role": "successions", "file": "s.csv", "data_date": D(2026, 4, 1), "published": "", "source": ""},
        {"role": "practices", "file": "p.csv", "data_date": D(2026, 2, 3), "published": "", "source": ""},
    ]

    assert sources.clauses(rows) == [
        "Practices as at 3 February 2026",
        "PCN memberships from e.xlsx",
        "ICBs: successions of 1 April 2026",
    ]


def test_a_new_import_of_a_source_shows_at_once(client):
    essex_successions()
    shipped_datasets()
    assert "February 2026" in text(page(client, "/"))

    row = Dataset.objects.get(role="practices")
    row.published = "March 2026"
    row.save()
    commit_now()  # a Dataset write bumps the data version, so no cached page or memo says the old age

    assert "Practices as published in March 2026" in text(page(client, "/"))
