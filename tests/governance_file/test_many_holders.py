"""A seat with many holders loads in bulk: queries by the batch, not by the holder, and each keeps its history."""

import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.caching import versioning
from governance.governance_file import load_governance
from governance.models import Appointment, Person

pytestmark = pytest.mark.django_db(transaction=True)  # the data version moves when the load commits


def seat_file(tmp_path, holders: int, *, known: int = 0, code: str = "QZZ"):
    """One system (``code``) whose board's one seat lists ``holders`` holders, the first ``known`` already people."""
    Person.objects.bulk_create(Person(name=f"{code} holder {i:05d}") for i in range(known))
    lines = [
        f"system: {{code: {code}, name: Many holders ICB, region: North West}}",
        "organisations:",
        f"- {{code: {code.lower()}-board, name: Many holders board, kind: board, parent: {code}}}",
        "seats:",
        f"- {{board: {code.lower()}-board, label: Members, role: representative, selection: elected, "
        f"max_holders: {holders}, holders: [",
        *(f"  {{name: {code} holder {i:05d}, from: 2023-01-01}}," for i in range(holders)),
        "  ]}",
    ]
    path = tmp_path / f"{code}-{holders}.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def queries_to_load(path) -> int:
    with CaptureQueriesContext(connection) as captured:
        load_governance([path])
    return len(captured)


def extra_batches(model, rows: int) -> int:
    """How many more INSERT batches ``rows`` new rows of ``model`` take than one row, by the database's bound."""
    size = connection.ops.bulk_batch_size(model._meta.concrete_fields, [None] * rows)
    return math.ceil(rows / size) - 1


def test_the_queries_grow_by_the_batch_not_by_the_holder(tmp_path):
    few = queries_to_load(seat_file(tmp_path, 5, code="QZY"))
    many = queries_to_load(seat_file(tmp_path, 400))

    # 395 more holders and people: only the more batches the database's parameter bound asks for
    # (SQLite's: hundreds a batch; PostgreSQL's: none).
    assert many - few <= extra_batches(Appointment, 400) + extra_batches(Person, 400)
    assert Appointment.objects.filter(seat__body__code="qzz-board").count() == 400


def test_each_new_holder_and_person_has_its_history_row_and_the_data_version_moves(tmp_path):
    path = seat_file(tmp_path, 30, known=10)
    before = versioning.current().counter

    report = load_governance([path])

    assert report.counts["people"].created == 20 and report.counts["appointments"].created == 30
    assert Person.history.filter(history_type="+").count() == 20  # the ten known were written before, in bulk
    assert Appointment.history.filter(history_type="+").count() == 30
    assert versioning.current().counter > before


def test_the_report_names_each_new_person_before_their_appointment(tmp_path):
    report = load_governance([seat_file(tmp_path, 2)])

    lines = [line for line in report.changes if "QZZ holder" in line]
    assert lines == [
        "+ person QZZ holder 00000",
        "+ appointment QZZ holder 00000 in qzz-board / Members from 2023-01-01",
        "+ person QZZ holder 00001",
        "+ appointment QZZ holder 00001 in qzz-board / Members from 2023-01-01",
    ]
