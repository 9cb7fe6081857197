"""What the ODS import keeps in time (governance/ingest/ods/timeline.py and the importer's history):
every ePCN membership, closed practices, ICB open and close dates, the successions of 1 April
2026, the division of the split ICBs and of Frimley, today's tree from today's links, and a
re-import of the same files that writes nothing at all. On small slices of real rows
(tests/data/ods/*_successions_slice.*, cut by make_slices.py) with the shipped successions and
division files; once on the full shipped set."""

import csv
import dataclasses
import datetime
from collections import Counter

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.caching import versioning
from governance.domain import tree_check
from governance.ingest.ods.files import OdsFileError
from governance.ingest.ods.importer import SHIPPED, OdsFiles, import_ods
from governance.models import Dataset, Link, Organisation, Relation, Succession
from tests.builders import (
    API,
    ODS_SLICES,
    SET_2023,
    SET_SUCCESSIONS,
    api_client,
    commit_now,
    database_state,
)

pytestmark = pytest.mark.django_db
client = api_client  # the fixture, under the name the tests take

D = datetime.date
TODAY = D(2026, 12, 2)
LAST_DAY = D(2026, 3, 31)  # of the twelve ICBs that closed
FIRST_DAY = D(2026, 4, 1)  # of the six that opened
CLOSED_ICBS = {"QHG", "QUE", "QM7", "QH8", "QJG", "QMM", "QNQ", "QU9", "QXU", "QNX", "QMJ", "QRV"}
NEW_ICBS = {"S1Y5D", "D7T5G", "T6Y0W", "S0E4D", "S9B9J", "Z9B2Z"}
SET_2026_QE1 = OdsFiles(
    ODS_SLICES / "epraccur_2026-02_newformat_slice.csv", ODS_SLICES / "ePCN_2025-01_slice.xlsx", SET_2023.lookup
)


def links(code: str, relation: str) -> list[tuple]:
    """(parent code, start, end) of a unit's links of one relation, in order."""
    found = Link.objects.filter(child__code=code, relation=relation).select_related("parent").order_by("start")
    return [(link.parent.code, link.start, link.end) for link in found]


def parent_of(code: str) -> str | None:
    org = Organisation.objects.select_related("parent").get(code=code)
    return org.parent.code if org.parent else None


def system_of(code: str) -> str:
    node = Organisation.objects.get(code=code)
    return Organisation.objects.get(tree_id=node.tree_id, parent=None).code


def assert_tree_whole():
    diagnosis = tree_check.diagnose()
    assert diagnosis.ok, diagnosis.problems[:5]


# --- memberships and practices --------------------------------------------------------


def test_a_practice_that_changed_pcn_has_the_old_link_end_the_day_before_the_new_one():
    import_ods(SET_2026_QE1, today=TODAY)

    assert links("A82033", Relation.PCN_MEMBER) == [
        ("U17992", D(2019, 10, 1), D(2024, 3, 31)),
        ("U16644", D(2024, 4, 1), None),
    ]
    assert parent_of("A82033") == "U16644"  # today's tree: today's link


def test_closed_practices_open_since_july_2022_are_kept_with_their_links():
    summary = import_ods(SET_SUCCESSIONS, today=TODAY)

    wexham = Organisation.objects.get(code="K81005")
    assert wexham.closed == D(2025, 12, 31)
    # Both memberships, the current one ended on the day the practice closed.
    assert links("K81005", Relation.PCN_MEMBER) == [
        ("U31305", D(2019, 10, 1), D(2019, 12, 31)),
        ("U73227", D(2020, 1, 1), D(2025, 12, 31)),
    ]
    assert links("K81005", Relation.PRACTICE_SUB_ICB) == [("D4U1Y", D(2021, 4, 1), D(2025, 12, 31))]
    assert parent_of("K81005") == "U73227"  # a closed unit keeps the parent of its last day
    assert "K81005 in U73227: ends 2025-12-31" in summary.anomalies["membership_clipped"]

    gainsborough = Organisation.objects.get(code="K81059")
    assert gainsborough.closed == D(2023, 12, 31)
    assert links("K81059", Relation.PCN_MEMBER) == [
        ("U75847", D(2019, 10, 1), D(2021, 3, 31)),
        ("U86433", D(2021, 4, 1), D(2023, 12, 31)),
    ]
    # Closed on 30 April 2022, before the ICBs: not kept.
    assert not Organisation.objects.filter(code="H81097").exists()
    assert summary.skipped[("practice", "closed before July 2022")] == 1
    assert summary.skipped[("membership", "practice not imported")] == 1  # H81097's


def test_ended_memberships_are_kept():
    summary = import_ods(SET_SUCCESSIONS, today=TODAY)

    # Holly Tree left Farnham PCN in 2023 and has had none since.
    assert links("H81110", Relation.PCN_MEMBER) == [("U17969", D(2019, 10, 1), D(2023, 3, 31))]
    ended = Link.objects.filter(relation=Relation.PCN_MEMBER, end__isnull=False)
    assert set(ended.values_list("child__code", "parent__code", "end")) == {
        ("E84002", "U89375", D(2022, 6, 30)),
        ("H81110", "U17969", D(2023, 3, 31)),
        ("J82001", "U91385", D(2024, 6, 30)),
        ("K81005", "U31305", D(2019, 12, 31)),
        ("K81005", "U73227", D(2025, 12, 31)),  # current in the file, ended by the practice's closing
        ("K81059", "U75847", D(2021, 3, 31)),
        ("K81059", "U86433", D(2023, 12, 31)),
        ("K81656", "U89762", D(2022, 6, 30)),
    }
    # The slice's other ended ones: H81097's (closed before July 2022), F81012's in U40253
    # (closed in 2020) and K81656's one day in U62501 (overlapped, below).
    assert summary.skipped[("membership", "PCN not imported")] == 1
    assert summary.skipped[("pcn", "closed before July 2022")] == 1


def test_memberships_that_overlap_in_the_file_are_resolved_the_later_start_winning():
    summary = import_ods(SET_SUCCESSIONS, today=TODAY)

    # Crown Wood: U62501 for one day from 1 July 2022, and back in U89762 from the same day.
    assert links("K81656", Relation.PCN_MEMBER) == [
        ("U89762", D(2019, 10, 1), D(2022, 6, 30)),
        ("U89762", D(2022, 7, 1), None),
    ]
    assert summary.anomalies["membership_overlap"] == [
        "K81656: U62501 (from 2022-07-01) dropped, as U89762 starts 2022-07-01"
    ]


# --- ICBs, successions and divisions ---------------------------------------------------


def test_icbs_open_on_1_july_2022_and_the_successions_close_and_open_them():
    summary = import_ods(SET_SUCCESSIONS, today=TODAY)

    icbs = {org.code: org for org in Organisation.objects.filter(kind="icb")}
    assert set(icbs) == CLOSED_ICBS | NEW_ICBS | {"QRL"}
    for code in CLOSED_ICBS:
        assert (icbs[code].opened, icbs[code].closed) == (D(2022, 7, 1), LAST_DAY), code
    for code in NEW_ICBS:
        assert (icbs[code].opened, icbs[code].closed) == (FIRST_DAY, None), code
    assert (icbs["QRL"].opened, icbs["QRL"].closed) == (D(2022, 7, 1), None)  # it acquired; it did not open
    assert icbs["S1Y5D"].name == "NHS Central East Integrated Care Board"
    assert icbs["D7T5G"].name == "NHS Essex Integrated Care Board"
    assert (icbs["S1Y5D"].region, icbs["Z9B2Z"].region, icbs["S9B9J"].region) == (
        "East of England",
        "London",
        "South East",
    )
    assert all(org.parent_id is None for org in icbs.values())  # every ICB a root, closed ones too

    successions = {(s.predecessor.code, s.successor.code): s for s in Succession.objects.select_related()}
    assert len(successions) == 16 == summary.successions["created"]
    assert successions["QNQ", "QRL"].type == "acquisition"
    assert successions["QM7", "D7T5G"].type == "split"
    assert successions["QH8", "D7T5G"].type == "merger"
    assert {s.date for s in successions.values()} == {FIRST_DAY}
    assert successions["QH8", "D7T5G"].source == "icb_successions_2026-04.csv (data date 2026-04-01)"


@pytest.mark.parametrize(
    ("sub_icb", "before", "after"),
    [
        ("06K", "QM7", "S1Y5D"),  # Hertfordshire
        ("06N", "QM7", "S1Y5D"),
        ("07H", "QM7", "D7T5G"),  # West Essex
        ("06T", "QJG", "D7T5G"),  # North East Essex
        ("06L", "QJG", "T6Y0W"),  # Suffolk
        ("07K", "QJG", "T6Y0W"),
        ("99F", "QH8", "D7T5G"),  # merged whole
        ("92A", "QXU", "S9B9J"),
        ("W2U3Z", "QRV", "Z9B2Z"),
    ],
)
def test_each_sub_icb_of_a_closed_icb_goes_to_its_successor(sub_icb, before, after):
    import_ods(SET_SUCCESSIONS, today=TODAY)

    assert links(sub_icb, Relation.SUB_ICB_ICB) == [(before, D(2022, 7, 1), LAST_DAY), (after, FIRST_DAY, None)]
    assert parent_of(sub_icb) == after


def test_frimley_divides_by_place():
    import_ods(SET_SUCCESSIONS, today=TODAY)

    frimley = Organisation.objects.get(code="D4U1Y")
    assert frimley.closed == LAST_DAY and parent_of("D4U1Y") == "QNQ"
    assert links("D4U1Y", Relation.SUB_ICB_ICB) == [("QNQ", D(2022, 7, 1), LAST_DAY)]
    east_berkshire = Organisation.objects.get(code="U2G6B")
    assert (east_berkshire.kind, east_berkshire.opened, east_berkshire.closed) == ("place", FIRST_DAY, None)
    assert links("U2G6B", Relation.SUB_ICB_ICB) == [("S0E4D", FIRST_DAY, None)]
    assert links("D9Y0V", Relation.SUB_ICB_ICB) == [("QRL", D(2022, 7, 1), None)]  # QRL's, since 2022

    # PCNs move whole with their place; practices follow their PCN on the day.
    for practice, pcn, place, system in [
        ("K81034", "U14694", "U2G6B", "S0E4D"),  # Slough
        ("J82015", "U90174", "D9Y0V", "QRL"),  # Farnborough
        ("H81069", "U67032", "92A", "S9B9J"),  # Camberley
    ]:
        assert links(pcn, Relation.PCN_SUB_ICB) == [("D4U1Y", D(2019, 10, 1), LAST_DAY), (place, FIRST_DAY, None)]
        assert links(practice, Relation.PRACTICE_SUB_ICB) == [
            ("D4U1Y", D(2021, 4, 1), LAST_DAY),
            (place, FIRST_DAY, None),
        ]
        practice_row = Organisation.objects.select_related("sub_icb").get(code=practice)
        assert (practice_row.parent.code, practice_row.sub_icb.code, system_of(practice)) == (pcn, place, system)
    # Practices in no PCN go where the practice rows of the division put them.
    assert links("H81110", Relation.PRACTICE_SUB_ICB)[-1] == ("92A", FIRST_DAY, None)
    assert (parent_of("H81110"), system_of("H81110")) == ("92A", "S9B9J")
    assert (parent_of("K81066"), system_of("K81066")) == ("U2G6B", "S0E4D")
    # A Surrey Heartlands practice was never in Frimley.
    assert links("H81002", Relation.PRACTICE_SUB_ICB) == [("92A", D(2020, 4, 1), None)]
    assert_tree_whole()


def test_todays_tree_follows_todays_links():
    import_ods(SET_SUCCESSIONS, today=LAST_DAY)
    on_last_day = {code: system_of(code) for code in ("F81101", "K81034", "D81047", "H81069")}
    roots_open = Organisation.objects.filter(parent=None).open_on(LAST_DAY).values_list("code", flat=True)
    assert set(roots_open) == CLOSED_ICBS | {"QRL"}

    summary = import_ods(SET_SUCCESSIONS, today=TODAY)

    assert on_last_day == {"F81101": "QH8", "K81034": "QNQ", "D81047": "QM7", "H81069": "QNQ"}
    assert {code: system_of(code) for code in on_last_day} == {
        "F81101": "D7T5G",  # an Essex practice in NHS Essex
        "K81034": "S0E4D",
        "D81047": "S1Y5D",
        "H81069": "S9B9J",
    }
    assert summary.moved["place"] > 0 and summary.links == Counter()  # the links were already there
    roots_open = Organisation.objects.filter(parent=None).open_on(TODAY).values_list("code", flat=True)
    assert set(roots_open) == NEW_ICBS | {"QRL"}
    # A closed ICB is a closed root, left with its closed units: Frimley keeps D4U1Y. A closed
    # practice keeps the parent of its last day, which may have moved since.
    assert not Organisation.objects.get(code="QH8").get_descendants().exists()
    assert list(Organisation.objects.get(code="QNQ").get_descendants().values_list("code", flat=True)) == ["D4U1Y"]
    assert (parent_of("K81005"), system_of("K81005")) == ("U73227", "S0E4D")
    assert_tree_whole()


def write_2026_lookup(path) -> None:
    """The slice's lookup as a 2026 one would say it: each sub-ICB location in its ICB of 1 April 2026."""
    icbs = {org.code: org for org in Organisation.objects.filter(kind="icb")}
    header = [
        "SICBL26CD",
        "SICBL26CDH",
        "SICBL26NM",
        "ICB26CD",
        "ICB26CDH",
        "ICB26NM",
        "NHSER26CD",
        "NHSER26CDH",
        "NHSER26NM",
    ]
    rows = [header]
    for link in Link.objects.current_on(FIRST_DAY).filter(relation=Relation.SUB_ICB_ICB).select_related():
        place, icb = link.child, icbs[link.parent.code]
        rows.append(["E38000000", place.code, place.name, "E54000000", icb.code, icb.name, "E40", "Y00", icb.region])
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_a_lookup_of_2026_gives_the_same_history_read_the_other_way_round(tmp_path):
    import_ods(SET_SUCCESSIONS, today=TODAY)
    before = sorted(
        Link.objects.filter(relation=Relation.SUB_ICB_ICB).values_list("child__code", "parent__code", "start", "end")
    )
    dates = sorted(Organisation.objects.values_list("code", "opened", "closed"))
    write_2026_lookup(tmp_path / "lookup_2026.csv")

    summary = import_ods(
        OdsFiles(SET_SUCCESSIONS.epraccur, SET_SUCCESSIONS.epcn, tmp_path / "lookup_2026.csv"), today=TODAY
    )

    after = sorted(
        Link.objects.filter(relation=Relation.SUB_ICB_ICB).values_list("child__code", "parent__code", "start", "end")
    )
    assert after == before  # only where each was read changed
    assert summary.links[Relation.SUB_ICB_ICB, "created"] == summary.links[Relation.SUB_ICB_ICB, "removed"] == 0
    assert sorted(Organisation.objects.values_list("code", "opened", "closed")) == dates
    # D4U1Y is in no lookup of 2026: the division names it.
    source = Link.objects.get(child__code="D4U1Y").source
    assert source == "sub_icb_division_2026-04.csv (data date 2026-04-01)"


def test_the_official_division_table_overrides_the_shipped_one(tmp_path):
    table = tmp_path / "frimley_practices.csv"
    table.write_text("Practice Code,New Sub ICB Location Code\nK81034,92A\nF81101,99F\nF81012,06K\n")

    summary = import_ods(
        OdsFiles(SET_SUCCESSIONS.epraccur, SET_SUCCESSIONS.epcn, SET_SUCCESSIONS.lookup, division=table),
        today=TODAY,
    )

    assert links("K81034", Relation.PRACTICE_SUB_ICB)[-1] == ("92A", FIRST_DAY, None)
    assert Link.objects.get(child__code="K81034", start=FIRST_DAY).source.startswith("frimley_practices.csv")
    assert links("U14694", Relation.PCN_SUB_ICB)[-1] == ("U2G6B", FIRST_DAY, None)  # its PCN did not move
    assert summary.anomalies["division_not_applied"] == ["F81012 (06T)"]  # F81101 stays in 99F: no change
    dataset = Dataset.objects.get(role="division")
    assert dataset.file.endswith(" + frimley_practices.csv")


# --- bad successions and division files: refused, nothing written ------------------------


def bad_successions(tmp_path):
    target = tmp_path / "successions.csv"
    text = SHIPPED.successions.read_text().replace("2026-04-01,acquisition", "2026-04-01,annexation")
    target.write_text(text)
    return {"successions": target}, "successions.csv, row 12: succession_type 'annexation'"


def division_of_no_succession(tmp_path):
    target = tmp_path / "division.csv"
    lines = SHIPPED.sub_icb_division.read_text().splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("06K,"))
    lines[number] = lines[number].replace(",QM7,S1Y5D,", ",QM7,T6Y0W,")
    target.write_text("\n".join(lines) + "\n")
    return {"sub_icb_division": target}, f"division.csv, row {number + 1}: QM7 → T6Y0W is not a succession"


def pcn_sent_where_frimley_did_not_go(tmp_path):
    target = tmp_path / "units.csv"
    target.write_text(
        SHIPPED.unit_division.read_text().replace(
            "U14694,CENTRAL SLOUGH NETWORK PCN,SL1 3DQ,D4U1Y,U2G6B",
            "U14694,CENTRAL SLOUGH NETWORK PCN,SL1 3DQ,D4U1Y,15A",
        )
    )
    return {"unit_division": target}, "units.csv, row 6: D4U1Y went to 92A, D9Y0V, U2G6B, not to 15A"


def official_table_to_nowhere(tmp_path):
    target = tmp_path / "official.csv"
    target.write_text("Practice Code,New Sub ICB Code\nK81034,U2G6B\nJ82015,Z99\n")
    return {"division": target}, "official.csv, row 3: sub-ICB location Z99 is in neither the lookup nor the division"


def official_table_to_another_place(tmp_path):
    target = tmp_path / "official.csv"
    target.write_text("Practice Code,New Sub ICB Code\nK81034,06K\n")
    return {"division": target}, "official.csv, row 2: K81034 is in D4U1Y, which went to 92A, D9Y0V, U2G6B, not to 06K"


def division_of_a_phantom_place(tmp_path):
    # issue 24: a sub-ICB location the lookup does not name would have become a place of its own
    target = tmp_path / "division.csv"
    lines = SHIPPED.sub_icb_division.read_text().splitlines()
    lines.append("99Z,Phantom,QM7,S1Y5D,99Z,Phantom,no,why")
    target.write_text("\n".join(lines) + "\n")
    return {"sub_icb_division": target}, (
        f"division.csv, row {len(lines)}: sub-ICB location 99Z is not in LOC22_successions_slice.csv"
    )


def division_of_an_unknown_icb(tmp_path):
    target = tmp_path / "division.csv"
    lines = SHIPPED.sub_icb_division.read_text().splitlines()
    lines.append("99Z,Phantom,QZZ,S1Y5D,99Z,Phantom,no,why")
    target.write_text("\n".join(lines) + "\n")
    return {"sub_icb_division": target}, (
        f"division.csv, row {len(lines)}: QZZ → S1Y5D is not a succession in icb_successions_2026-04.csv"
    )


def unit_division_with(tmp_path, row: str) -> tuple[dict, int]:
    """The shipped unit division with ``row`` added; the files' changes and the row's number."""
    target = tmp_path / "units.csv"
    lines = SHIPPED.unit_division.read_text().splitlines()
    lines.append(row)
    target.write_text("\n".join(lines) + "\n")
    return {"unit_division": target}, len(lines)


def unit_division_of_an_unknown_pcn(tmp_path):
    # issue 24: an unknown PCN was only reported, and the import went on
    changes, row = unit_division_with(tmp_path, "pcn,U99999,NO SUCH PCN,GU11 1AY,D4U1Y,D9Y0V,why")
    return changes, f"units.csv, row {row}: PCN U99999 is not in {SET_SUCCESSIONS.epcn.name}"


def unit_division_of_an_unknown_practice(tmp_path):
    changes, row = unit_division_with(tmp_path, "practice,Z99999,NO SUCH PRACTICE,SL1 1AA,D4U1Y,U2G6B,why")
    return changes, f"units.csv, row {row}: practice Z99999 is not in {SET_SUCCESSIONS.epraccur.name}"


def unit_division_of_an_unknown_sub_icb(tmp_path):
    changes, row = unit_division_with(tmp_path, "practice,K81034,SLOUGH PRACTICE,SL1 1AA,Z9Z,U2G6B,why")
    return changes, f"units.csv, row {row}: sub-ICB location Z9Z is in neither the lookup nor the division"


def unit_division_of_a_place_not_divided(tmp_path):
    changes, row = unit_division_with(tmp_path, "practice,J82001,A HAMPSHIRE PRACTICE,GU14 1AA,D9Y0V,10R,why")
    return changes, f"units.csv, row {row}: D9Y0V is not divided (no row of sub_icb_division_2026-04.csv divides it)"


def official_table_of_an_unknown_practice(tmp_path):
    target = tmp_path / "official.csv"
    target.write_text("Practice Code,New Sub ICB Code\nK81034,U2G6B\nZ99999,D9Y0V\n")
    return {"division": target}, f"official.csv, row 3: practice Z99999 is not in {SET_SUCCESSIONS.epraccur.name}"


def cycle_of_successions(tmp_path):
    target = tmp_path / "successions.csv"
    lines = SHIPPED.successions.read_text().splitlines()
    lines.append("D7T5G,NHS Essex,QH8,NHS Mid and South Essex,2026-04-01,merger")
    target.write_text("\n".join(lines) + "\n")
    return {"successions": target}, f"successions.csv, row {len(lines)}: D7T5G is succeeded on 2026-04-01"


@pytest.mark.parametrize(
    "make_files",
    [
        bad_successions,
        division_of_no_succession,
        division_of_a_phantom_place,
        division_of_an_unknown_icb,
        cycle_of_successions,
        pcn_sent_where_frimley_did_not_go,
        unit_division_of_an_unknown_pcn,
        unit_division_of_an_unknown_practice,
        unit_division_of_an_unknown_sub_icb,
        unit_division_of_a_place_not_divided,
        official_table_to_nowhere,
        official_table_to_another_place,
        official_table_of_an_unknown_practice,
    ],
)
def test_a_bad_successions_or_division_file_stops_the_import_and_writes_nothing(tmp_path, make_files):
    import_ods(SET_2023, today=TODAY)
    changes, message = make_files(tmp_path)
    files = OdsFiles(SET_SUCCESSIONS.epraccur, SET_SUCCESSIONS.epcn, SET_SUCCESSIONS.lookup, **changes)
    before = database_state()

    with pytest.raises(OdsFileError) as raised:
        import_ods(files, today=TODAY)

    assert message in str(raised.value)
    assert database_state() == before


def test_links_are_diffed_each_change_with_its_history_row(tmp_path):
    import_ods(SET_SUCCESSIONS, today=TODAY)
    assert Link.history.filter(history_type="+", history_change_reason="ODS import").count() == Link.objects.count()
    holly_tree = Link.objects.get(child__code="H81110", relation=Relation.PCN_MEMBER)
    workbook = openpyxl.load_workbook(SET_SUCCESSIONS.epcn)
    sheet = workbook["PCN Core Partner Details"]
    sheet.delete_rows(next(cell.row for cell in sheet["A"] if cell.value == "H81110"))
    workbook.save(tmp_path / "ePCN.xlsx")

    summary = import_ods(
        OdsFiles(SET_SUCCESSIONS.epraccur, tmp_path / "ePCN.xlsx", SET_SUCCESSIONS.lookup), today=TODAY
    )

    assert not Link.objects.filter(pk=holly_tree.pk).exists()
    removed = Link.history.get(id=holly_tree.pk, history_type="-")
    assert (removed.parent_id, removed.end, removed.history_change_reason) == (
        holly_tree.parent_id,
        D(2023, 3, 31),
        "ODS import",
    )
    # The other links read from the workbook name it in their source: each changed, once.
    changed = summary.links[Relation.PCN_MEMBER, "changed"]
    assert changed == Link.objects.filter(relation=Relation.PCN_MEMBER).count()
    assert Link.history.filter(history_type="~").count() == sum(
        count for (relation, action), count in summary.links.items() if action == "changed"
    )


# --- the same files again: nothing written ---------------------------------------------------


def test_the_same_files_again_write_nothing_and_keep_every_etag(client):
    import_ods(SET_SUCCESSIONS, today=TODAY)
    commit_now()
    version = versioning.current()
    path = client.get(f"{API}/organisations/K81034/path/")
    before = database_state()

    with CaptureQueriesContext(connection) as queries:
        summary = import_ods(SET_SUCCESSIONS, today=TODAY)
    commit_now()

    written = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert written == []
    assert summary.changed == 0 and "Nothing changed" in summary.report()
    assert database_state() == before
    assert versioning.current() == version
    again = client.get(f"{API}/organisations/K81034/path/", headers={"If-None-Match": path["ETag"]})
    assert again.status_code == 304


def test_each_source_file_is_recorded_once_with_its_date():
    import_ods(SET_SUCCESSIONS, today=TODAY)
    datasets = {row.role: row for row in Dataset.objects.all()}

    assert set(datasets) == {"practices", "pcns", "lookup", "successions", "division"}
    assert (datasets["practices"].file, datasets["practices"].data_date, datasets["practices"].published) == (
        "epraccur_2026-02_successions_slice.csv",
        D(2025, 12, 31),  # K81005's closing, the latest date the slice records
        "",  # not a shipped file: when it was published is not known; its data date says how old it is
    )
    assert (datasets["lookup"].data_date, datasets["lookup"].published) == (D(2022, 7, 1), "")
    assert (datasets["successions"].data_date, datasets["successions"].file) == (
        FIRST_DAY,
        "icb_successions_2026-04.csv",
    )
    assert datasets["division"].file == "sub_icb_division_2026-04.csv + frimley_division_2026-04.csv"
    assert "basis" in datasets["division"].source
    imported = {row.role: row.imported_at for row in Dataset.objects.all()}

    import_ods(SET_SUCCESSIONS, today=TODAY)
    assert {row.role: row.imported_at for row in Dataset.objects.all()} == imported


# --- the shipped set, in full -----------------------------------------------------------


@pytest.mark.slow
def test_the_shipped_files_draw_england_as_it_is_today_and_as_it_was(client, shipped_england):
    summary = shipped_england  # import_ods(today=TODAY), shared (conftest)

    icbs = Organisation.objects.filter(kind="icb")
    assert icbs.filter(opened=D(2022, 7, 1)).count() == 42
    assert set(icbs.filter(closed=LAST_DAY).values_list("code", flat=True)) == CLOSED_ICBS
    assert set(icbs.filter(opened=FIRST_DAY).values_list("code", flat=True)) == NEW_ICBS
    assert Organisation.objects.filter(parent=None).open_on(TODAY).count() == 36
    assert icbs.open_on(LAST_DAY).count() == 42
    assert Succession.objects.count() == 16
    # Frimley's open practices in three systems, every one placed.
    frimley = Link.objects.filter(relation=Relation.PRACTICE_SUB_ICB, parent__code="D4U1Y", end=LAST_DAY)
    systems = Counter(system_of(link.child.code) for link in frimley.select_related("child"))
    assert set(systems) == {"S0E4D", "QRL", "S9B9J"}
    assert sum(systems.values()) == 67
    assert "not_divided" not in summary.anomalies
    # Essex practices in NHS Essex today; every sub-ICB of the closed ICBs moved out of their trees.
    assert system_of("F81101") == "D7T5G"
    for code in CLOSED_ICBS - {"QNQ"}:
        assert not Organisation.objects.get(code=code).get_descendants().exists(), code
    assert_tree_whole()

    commit_now()
    version = versioning.current()
    before = database_state()
    again = import_ods(today=TODAY)
    commit_now()
    assert again.changed == 0
    assert database_state() == before and versioning.current() == version


# --- division rows not used: listed with why, never refused ------------------------------------


def test_division_rows_the_import_does_not_use_are_listed_in_the_report_with_why(tmp_path):
    # Codes the files name, of units the import does not keep or that no row needed: not refused.
    changes, _ = unit_division_with(tmp_path, "pcn,U40253,A PCN CLOSED IN 2020,CO1 1AA,D4U1Y,U2G6B,why")
    units = changes["unit_division"]
    units.write_text(
        units.read_text()
        + "practice,H81097,CLOSED IN APRIL 2022,GU9 9QS,D4U1Y,92A,why\n"
        + "practice,K81034,IN CENTRAL SLOUGH NETWORK PCN,SL1 1AA,D4U1Y,U2G6B,why\n"
        + "practice,F81101,A MID ESSEX PRACTICE,CM1 1AA,D4U1Y,U2G6B,why\n"
    )
    official = tmp_path / "official.csv"
    official.write_text(
        "Practice Code,New Sub ICB Code\n"
        "K81066,U2G6B\n"  # used: it places K81066, so icsmap's row for it is not
        "H81097,92A\n"  # closed before July 2022: not imported
        "K81005,U2G6B\n"  # closed on 31 December 2025, before the division
        "F81101,99F\n"  # Mid Essex went whole: nothing to divide
    )
    files = dataclasses.replace(SET_SUCCESSIONS, unit_division=units, division=official)

    summary = import_ods(files, today=TODAY)

    rows = len(SHIPPED.unit_division.read_text().splitlines())
    k81066 = next(n for n, line in enumerate(units.read_text().splitlines(), 1) if line.startswith("practice,K81066"))
    assert summary.skipped_rows == {
        **{key: found for key, found in summary.skipped_rows.items() if key[0] != "division"},
        ("division", "PCN not imported"): [
            f"pcn U40253 (units.csv, row {rows + 1}): closed before July 2022",
        ],
        ("division", "practice not imported"): [
            f"practice H81097 (units.csv, row {rows + 2}): closed before July 2022",
            "H81097 (official.csv, row 3): closed before July 2022",
        ],
        ("division", "practice placed by the official table"): [
            f"practice K81066 (units.csv, row {k81066}): official.csv, row 2",
        ],
        ("division", "practice placed with its PCN"): [f"practice K81034 (units.csv, row {rows + 3}): in U14694"],
        ("division", "in another sub-ICB location in the files"): [
            f"practice F81101 (units.csv, row {rows + 4}): in 99F in {SET_SUCCESSIONS.epraccur.name}",
        ],
        ("division", "closed before the division"): ["K81005 (official.csv, row 4): closed 2025-12-31"],
        ("division", "practice not in a divided sub-ICB location"): [
            f"F81101 (official.csv, row 5): in 99F in {SET_SUCCESSIONS.epraccur.name}",
        ],
    }
    assert summary.skipped["division", "practice not imported"] == 2
    assert links("K81066", Relation.PRACTICE_SUB_ICB)[-1] == ("U2G6B", FIRST_DAY, None)  # the import went on
    report = summary.report()
    assert "Skipped rows (not used, by reason; --verbosity 2 lists every one):" in report
    assert "\n  division: closed before the division: 1 — K81005 (official.csv, row 4): closed 2025-12-31\n" in report
    assert "\n  division: practice not imported: 2 — practice H81097 (units.csv" in report
    every = summary.report(every=True)
    assert "\n  division: practice not imported: 2:\n    practice H81097 (units.csv" in every
    assert "\n    H81097 (official.csv, row 3): closed before July 2022\n" in every


def test_every_skipped_row_is_listed_with_its_place_a_few_in_the_report():
    summary = import_ods(SET_2023, today=TODAY, dry_run=True)

    successions = summary.skipped_rows["succession", "ICBs not in the lookup"]
    assert len(successions) == summary.skipped["succession", "ICBs not in the lookup"] == 16
    assert successions[0] == "QHG → S1Y5D (icb_successions_2026-04.csv, row 2)"
    assert summary.skipped_rows["practice", "in Wales"] == [f"W91002 ({SET_2023.epraccur.name}, row 20)"]
    assert sum(len(rows) for rows in summary.skipped_rows.values()) == sum(summary.skipped.values())
    line = next(line for line in summary.report().splitlines() if line.startswith("  succession:"))
    assert line.endswith("(icb_successions_2026-04.csv, row 6); …") and line.count("→") == 5
    every = summary.report(every=True).splitlines()
    first = every.index("  succession: ICBs not in the lookup: 16:")
    assert every[first + 1 : first + 17] == [f"    {row}" for row in successions]
