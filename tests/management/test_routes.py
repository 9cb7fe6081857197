"""``representation_path`` says the three routes apart (DESIGN.md, "Routes"): in its ladder and its JSON."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.builders import board_only, greater_manchester, org

pytestmark = pytest.mark.django_db


@pytest.fixture
def systems():
    gm = greater_manchester(complete=True)
    org("P00021", "practice", org("U00021", "pcn", org("02H", "place", gm["icb"], name="Wigan")))
    board_only()


def run(*args) -> str:
    out = StringIO()
    call_command("representation_path", *args, "--date", "2026-06-01", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("code", "route", "says"),
    [
        ("P00001", "reaches", "layer(s) to ICB board (qop-board), complete."),
        ("P00021", "broken", "BROKEN CHAIN: no route to ICB board (qop-board)."),
        ("G82001", "not_recorded", "NO ROUTE RECORDED: nothing recorded says whether a route reaches"),
    ],
)
def test_the_command_says_each_route(systems, code, route, says):
    assert says in run(code).splitlines()[1]
    assert json.loads(run(code, "--json"))["route"] == route
