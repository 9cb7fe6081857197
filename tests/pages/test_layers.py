"""One scheme of layers everywhere: the top board is layer 0, a body N steps below it layer N.

The ladder, the system page (its table and its governance tree), both pictures and the API
(the summary's ``layer``; the path's ``distance``) count the same way, in the same words
(``governance.reading.voice.layer_words``).
"""

import re

import pytest

from governance.reading.voice import layer_words
from tests.builders import API, greater_manchester

pytestmark = pytest.mark.django_db

ON = {"date": "2026-11-22"}


@pytest.fixture
def gm():
    """Practice -> PCN -> Bolton -> GP board -> primary care board -> provider board -> ICB board."""
    return greater_manchester(complete=True)


def words(html: bytes) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.decode()).split())


def test_the_words_of_a_layer():
    assert [layer_words(n) for n in (0, 1, 4, None)] == [
        "top board · layer 0",
        "layer 1",
        "layer 4",
        "not on a route to the board",
    ]


def test_the_ladder_counts_down_from_the_top_board(client, gm):
    html = client.get("/organisations/P00001/", ON).content.decode()
    labels = re.findall(r'<span class="icsmap-rung__layer">([^<]*)</span>', html)

    assert labels == [
        "top board · layer 0",  # ICB board
        "layer 1",  # provider board
        "layer 2",  # primary care board
        "layer 3",  # GP board
        "layer 4",  # Bolton
        "layer 5",  # PCN
        "Start · layer 6",  # the practice: six layers up to the board, as the verdict says
    ]
    assert "6 layers up to ICB board" in words(client.get("/organisations/P00001/", ON).content)


def test_the_system_page_and_the_api_give_each_body_the_ladders_number(client, gm):
    text = words(client.get("/organisations/QOP/", ON).content)
    summary = client.get(f"{API}/systems/QOP/summary/", ON).json()

    assert "Top board · layer 0 ICB board" in text  # the table's row
    assert "Layer 3 GP board" in text
    assert "Board · layer 3" in text  # the governance tree: GP board
    by_body = {b["code"]: entry["layer"] for entry in summary["layers"] for b in entry["bodies"]}
    assert by_body["qop-board"] == 0
    assert by_body["qop-gp-board"] == 3
    path = client.get(f"{API}/organisations/P00001/path/", ON).json()
    # The path lists layers from the organisation up: the one at index i is layer distance - i.
    assert path["layers"][3]["organisation"]["code"] == "qop-gp-board"
    assert path["distance"] - 3 == by_body["qop-gp-board"]


def test_the_pictures_name_layers_in_the_same_words(client, gm):
    diagram = client.get("/organisations/QOP/diagram.svg", ON).content.decode()
    ladder = client.get("/organisations/P00001/ladder.svg", ON).content.decode()

    assert "top board · layer 0" in diagram
    assert "layer 3" in diagram
    assert "top board · layer 0" in ladder
    assert "layer 6" in ladder
