"""The representation_path command: a readable ladder, the JSON shape, one clear line on bad input."""

import io
import json
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tests.builders import BAD_DATES, D, appoint, org, seat, set_top_board

pytestmark = pytest.mark.django_db


@pytest.fixture
def system():
    icb = org("QOP", "icb", name="NHS Greater Manchester ICB")
    board = org("qop-board", "board", icb, name="ICB board")
    place = org("00T", "place", icb, name="Bolton")
    practice = org("P00001", "practice", org("U00001", "pcn", place), name="Example Surgery", closed=D(2025, 1, 31))
    set_top_board(icb, board)
    appoint(seat(board, "Bolton member", represents=place, delegate=True), "Illustrative Holder")
    seat(board, "Partner member (primary medical services)", role="partner_member", sector="general_practice")
    return practice


def run(*args):
    out = StringIO()
    call_command("representation_path", *args, stdout=out)
    return out.getvalue()


def test_json_output_is_the_design_shape(system):
    path = json.loads(run("P00001", "--date", "2024-06-01", "--json"))

    assert path["organisation"] == {"code": "P00001", "name": "Example Surgery", "kind": "practice"}
    assert path["date"] == "2024-06-01"
    assert path["distance"] == 3 and path["complete"] is True
    assert {
        "organisation",
        "system",
        "date",
        "top_board",
        "reaches_top",
        "complete",
        "distance",
        "layers",
        "sector_seats",
    } <= set(path)


def test_ladder_shows_top_first_with_seat_holder_and_sector_seat(system):
    text = run("P00001", "--date", "2024-06-01")

    lines = text.splitlines()
    assert "3 layer(s) to ICB board (qop-board), complete." in text
    assert lines.index(next(line for line in lines if "ICB board (qop-board, board)" in line)) < lines.index(
        next(line for line in lines if line.strip().startswith("0  Example Surgery (P00001"))
    )
    assert "“Bolton member”: Illustrative Holder (since 2023-04-01) — elected, delegate, voting" in text
    # The hops in the page's words (one table, governance.reading.graph.VIA_TEXT).
    assert "^ has a seat on “Bolton member”" in text and "^ is a member of" in text
    assert "[general_practice]" in text and "VACANT" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NOPE"], "No organisation has the code 'NOPE'"),
        (["P00001", "--date", "2025-02-01"], "was closed on 2025-02-01"),
        (["P00001", "--date", "2025-02-30"], "--date: '2025-02-30' is not a date"),
        (["P00001", "--date", "9999-12-31"], "--date: '9999-12-31' is outside the dates icsmap holds"),
    ],
)
def test_bad_input_is_one_clear_error(system, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


@pytest.mark.parametrize("bad", BAD_DATES)
def test_the_same_bad_date_is_refused(system, bad):
    with pytest.raises(CommandError) as refused:
        run("P00001", "--date", bad)

    assert str(refused.value) == f"--date: '{bad}' is not a date in the form YYYY-MM-DD."


def test_a_bad_date_exits_1_with_one_line():
    # Refused before the database is read, so a separate process (on the real settings) shows the exit status.
    done = subprocess.run(
        [sys.executable, "manage.py", "representation_path", "P00001", "--date", BAD_DATES[0]],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"CommandError: --date: '{BAD_DATES[0]}' is not a date in the form YYYY-MM-DD."
    ]


@pytest.mark.parametrize("bad", ["9999-12-31", "0001-01-01"])
def test_apply_due_changes_refuses_a_date_outside_the_range(bad):
    with pytest.raises(CommandError, match=f"'{bad}' is outside the dates icsmap holds: give a date from 1948-07-05"):
        call_command("apply_due_changes", "--date", bad, stdout=io.StringIO())
