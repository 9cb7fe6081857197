"""The governance shipped in fixtures/governance/ (DESIGN.md, "Sourced governance"): published facts only.

Every holder names its source (an http or https URL) and the day it shows them in post (`seen`) or
since when (`from`); no system is illustrative; every system entry that is not scaffolded names its
`source` and `verified`. Read as the files are written (YAML), so a mistake names its file and place.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from governance.governance_file.parse import read_governance_file
from tests.builders import ILLUSTRATIVE_QOP, SHIPPED_GOVERNANCE

FILES = SHIPPED_GOVERNANCE


def _is_link(value) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _system_is_scaffolded(data: dict) -> bool:
    """A system entry with no source and no holder anywhere: the statutory board only, holders unknown."""
    holders = [h for seat in data.get("seats") or [] for h in (seat.get("holders") or []) if isinstance(h, dict)]
    return not data["system"].get("source") and not holders


def problems_in(path: Path) -> list[str]:
    """What breaks the rules of shipped governance in one file."""
    data = yaml.safe_load(path.read_text())
    found = []
    system = data["system"]
    if system.get("illustrative"):
        found.append(f"{path.name}: system: illustrative (invented people are not shipped)")
    if not _system_is_scaffolded(data):
        if not _is_link(system.get("source")):
            found.append(f"{path.name}: system.source: not a published link")
        if not system.get("verified"):
            found.append(f"{path.name}: system.verified: missing")
    for i, seat in enumerate(data.get("seats") or []):
        holders = seat.get("holders")
        for j, holder in enumerate(holders if isinstance(holders, list) else []):
            where = f"{path.name}: seats[{i}].holders[{j}]"
            if not _is_link(holder.get("source")):
                found.append(f"{where}.source: not a published link")
            if not (holder.get("seen") or holder.get("from")):
                found.append(f"{where}: neither seen nor from")
    return found


def _holder_names(path: Path) -> set[str]:
    data = yaml.safe_load(path.read_text())
    seats = data.get("seats") or []
    return {h["name"] for seat in seats if isinstance(seat.get("holders"), list) for h in seat["holders"]}


def test_the_illustrative_greater_manchester_is_not_shipped():
    invented = _holder_names(ILLUSTRATIVE_QOP)

    assert invented  # the demo still has its invented holders, in tests only
    assert all(not yaml.safe_load(path.read_text())["system"].get("illustrative") for path in FILES)
    assert not any(invented & _holder_names(path) for path in FILES)


def test_every_shipped_file_reads_without_a_problem():
    problems = [f"{p.file}: {p.where}: {p.message}" for path in FILES for p in read_governance_file(path)[1]]

    assert problems == []


def test_every_shipped_holder_names_a_source_link_and_a_date_and_every_system_its_source():
    assert [problem for path in FILES for problem in problems_in(path)] == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["seats"][0]["holders"][0].pop("source"), "seats[0].holders[0].source: not a published link"),
        (lambda d: d["seats"][0]["holders"][0].pop("seen"), "seats[0].holders[0]: neither seen nor from"),
        (lambda d: d["system"].update(illustrative=True), "system: illustrative"),
        (lambda d: d["system"].pop("verified"), "system.verified: missing"),
        (lambda d: d["system"].update(source="the constitution"), "system.source: not a published link"),
    ],
)
def test_the_check_finds_each_kind_of_unsourced_fact(tmp_path, change, problem):
    data = {
        "system": {
            "code": "QSS",
            "name": "NHS Sourced ICB",
            "source": "https://example.org/c",
            "verified": "2026-03-12",
        },
        "seats": [
            {
                "board": "qss-board",
                "label": "Chair",
                "holders": [{"name": "A", "seen": "2026-03-12", "source": "https://example.org/b"}],
            }
        ],
    }
    path = tmp_path / "qss.yaml"
    path.write_text(yaml.safe_dump(data))
    assert problems_in(path) == []

    change(data)
    path.write_text(yaml.safe_dump(data))

    assert any(problem in found for found in problems_in(path)), problems_in(path)
