"""scaffold_governance: the statutory board of every open ICB without one (governance_file.scaffold)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.domain import composition, tree_check
from governance.governance_file.scaffold import scaffold_governance
from governance.models import Kind, Organisation, Seat
from governance.reading.graph import SystemGraph
from tests.builders import ILLUSTRATIVE_QOP, D, greater_manchester, org

pytestmark = pytest.mark.django_db

TODAY = D(2026, 11, 22)
DEMO = ILLUSTRATIVE_QOP
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def systems():
    """QOP with a top board already; Kent (open, none); a closed ICB (none: scaffolded, dated like it)."""
    gm = greater_manchester(complete=True)
    kent = org("QKS", "icb", name="NHS Kent and Medway Integrated Care Board", opened=D(2022, 7, 1))
    org("U99999", "pcn", org("91Q", "place", kent, name="Kent and Medway"))
    org("QJX", "icb", name="NHS Closed Integrated Care Board", opened=D(2022, 7, 1), closed=D(2026, 3, 31))
    return gm


def writes_while(callable_) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


def check(code: str) -> dict:
    root = Organisation.objects.get(code=code)
    return composition.composition(SystemGraph.load(root.pk, TODAY))


def test_an_open_icb_without_a_board_gets_the_statutory_board_and_its_icp(systems):
    before = list(Seat.objects.filter(body__tree_id=systems["icb"].tree_id).values_list("pk", "label"))

    report = scaffold_governance()

    assert report.scaffolded == ["QJX", "QKS"]
    kent = Organisation.objects.get(code="QKS")
    assert kent.top_board.code == "qks-board" and kent.top_board.name == "NHS Kent and Medway ICB Board"
    assert kent.top_board.opened == D(2022, 7, 1)
    icp = Organisation.objects.get(code="qks-icp")
    assert (icp.kind, icp.parent, icp.name) == (Kind.ICP, kent, "Kent and Medway Integrated Care Partnership")
    seats = Seat.objects.filter(body=kent.top_board)
    assert seats.count() == 10 and not seats.filter(holders_recorded=True).exists()
    assert set(seats.exclude(portfolio="").values_list("portfolio", flat=True)) == {"finance", "medical", "nursing"}
    result = check("QKS")
    assert [r["requirement"] for r in result["requirements"]] == [r.key for r in composition.REQUIREMENTS]
    assert {r["status"] for r in result["requirements"]} == {"unrecorded"} and result["met"] is None
    assert list(Seat.objects.filter(body__tree_id=systems["icb"].tree_id).values_list("pk", "label")) == before
    closed = Organisation.objects.get(code="QJX")  # closed: its board is dated like it, for the past
    assert (closed.top_board.opened, closed.top_board.closed) == (D(2022, 7, 1), D(2026, 3, 31))
    assert tree_check.diagnose().ok


def test_a_second_run_writes_nothing(systems):
    scaffold_governance()

    report = None

    def again():
        nonlocal report
        report = scaffold_governance()

    assert writes_while(again) == []
    assert report.scaffolded == [] and report.load is None


def test_out_writes_governance_files_that_load_governance_reads(systems, tmp_path):
    out = io.StringIO()
    call_command("scaffold_governance", "--out", str(tmp_path), stdout=out)

    path = tmp_path / "QKS.yaml"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["QJX.yaml", "QKS.yaml"] and f"Wrote {path}" in out.getvalue()
    assert "holders: unknown" in path.read_text() and not Organisation.objects.filter(code="qks-board").exists()
    call_command("load_governance", str(path), stdout=io.StringIO())
    assert {r["status"] for r in check("QKS")["requirements"]} == {"unrecorded"}


def test_codes_choose_systems_and_a_system_with_a_top_board_is_skipped(systems):
    out = io.StringIO()
    call_command("scaffold_governance", "QOP", stdout=out)

    assert "Skipped QOP: it has a top board already" in out.getvalue()
    assert not Organisation.objects.filter(code="qks-board").exists()
    with pytest.raises(CommandError, match="No system \\(ICB\\) has the code 'NOPE'"):
        call_command("scaffold_governance", "QKS", "NOPE", stdout=io.StringIO())
    assert not Organisation.objects.filter(code="qks-board").exists()


def test_a_board_code_already_in_use_is_skipped_not_taken_over(systems):
    org("qks-board", "board", Organisation.objects.get(code="QKS"), name="Someone's board")

    report = scaffold_governance()

    assert report.scaffolded == ["QJX"] and "qks-board or qks-icp exists already" in report.skipped[0]
    assert Organisation.objects.get(code="qks-board").name == "Someone's board"


@pytest.mark.slow
def test_every_open_icb_has_the_ten_requirements_after_the_shipped_data_and_the_demo(shipped_england):
    call_command("load_governance", str(DEMO), verbosity=0)

    call_command("scaffold_governance", verbosity=0)

    roots = [root for root in Organisation.objects.filter(parent__isnull=True) if root.is_active_on(TODAY)]
    assert len(roots) == 36 and all(root.top_board_id for root in Organisation.objects.filter(parent__isnull=True))
    for root in roots:
        result = composition.composition(SystemGraph.load(root.pk, TODAY))
        assert len(result["requirements"]) == 10, root.code
        assert not any(r["status"] == "missing" for r in result["requirements"]), root.code
        # The Act asks for a member with that knowledge, not a seat: the scaffold invents none.
        assert result["requirements"][-1]["requirement"] == "mental_health", root.code
        assert result["requirements"][-1]["status"] == "unrecorded", root.code
    demo = composition.composition(SystemGraph.load(Organisation.objects.get(code="QOP").pk, TODAY))
    assert {r["requirement"]: r["status"] for r in demo["requirements"]}["nursing_director"] == "vacant"
    assert writes_while(lambda: call_command("scaffold_governance", verbosity=0)) == []
    assert tree_check.diagnose().ok
