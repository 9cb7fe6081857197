"""What changed since the last import, in words (ingest/ods/summary.py ``changes``): what refresh_ods prints."""

import pytest

from governance.ingest.ods.importer import OdsFiles, import_ods
from tests.builders import ODS_SLICES, SET_2023

pytestmark = pytest.mark.django_db

SET_2025 = OdsFiles(ODS_SLICES / "epraccur_2025-02_slice.csv", ODS_SLICES / "ePCN_2025-01_slice.xlsx", SET_2023.lookup)


def test_a_newer_set_names_the_practices_moved_opened_and_closed_the_new_pcns_and_the_renames():
    import_ods(SET_2023)

    changes = import_ods(SET_2025).changes

    assert len(changes["practice_moved"]) == 11
    assert any(what.startswith("A82033 ") and what.endswith("→ U16644") for what in changes["practice_moved"])
    assert any(what.startswith("P81738 ") and what.endswith("→ 01A") for what in changes["practice_moved"])
    assert len(changes["pcn_new"]) == 4
    assert any(what.startswith("U16644 ") for what in changes["pcn_new"])
    assert len(changes["practice_closed"]) == 5
    assert "A82077" in " ".join(changes["practice_closed"])
    assert "(closed 2024-10-31)" in next(what for what in changes["practice_closed"] if what.startswith("A82077"))
    assert len(changes["pcn_closed"]) == 1
    assert any(what.startswith("U17992: ") and what.endswith("→ BARROW TOGETHER PCN") for what in changes["renamed"])


def test_going_back_says_what_reopened():
    import_ods(SET_2023)
    import_ods(SET_2025)

    changes = import_ods(SET_2023).changes

    assert sum(what.endswith("(reopened)") for what in changes["practice_opened"]) == 5
    assert sum(what.endswith("(reopened)") for what in changes["pcn_new"]) == 1


def test_the_same_files_again_change_nothing_and_say_so():
    import_ods(SET_2023)

    summary = import_ods(SET_2023)

    assert summary.changes == {}
    assert summary.changes_report() == "Nothing changed in practices, PCNs or names since the last import."


def test_the_report_lists_each_kind_with_its_examples_and_a_dry_run_says_would():
    import_ods(SET_2023)

    report = import_ods(SET_2025, dry_run=True).changes_report(examples=2)

    assert report.startswith("What would change since the last import:\n")
    assert "  11 practices that moved to another PCN (or, without one, another place):\n" in report
    assert "    … and 9 more" in report
    assert "  4 new PCNs:" in report
