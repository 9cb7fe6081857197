"""The import's fresh data (governance/ingest/ods/seen.py, publication.py): memberships first seen in a
snapshot (their dates, exactness and the day between), PCNs new in it, ODS's official division over
icsmap's inference, names of their dates and registered patients; on small rows written here."""

import dataclasses
import datetime

import pytest

from governance.ingest.ods.importer import SHIPPED, OdsFiles, import_ods
from governance.models import Dataset, Link, Organisation, OrganisationName, RegisteredPatients
from governance.reading import as_of, memberships
from tests.builders import ODS_SLICES, SET_SUCCESSIONS

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 2)
SNAPSHOT_DAY = D(2026, 8, 1)
SET_2025 = OdsFiles(
    ODS_SLICES / "epraccur_2025-02_slice.csv", ODS_SLICES / "ePCN_2025-01_slice.xlsx", ODS_SLICES / "LOC22_slice.csv"
)
MAP_HEADER = (
    "PUBLICATION,EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PRACTICE_POSTCODE,PCN_CODE,PCN_NAME,"
    "ONS_SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_CODE,SUB_ICB_LOCATION_NAME,ONS_ICB_CODE,ICB_CODE,ICB_NAME,"
    "ONS_COMM_REGION_CODE,COMM_REGION_CODE,COMM_REGION_NAME,SUPPLIER_NAME"
)


def map_row(practice: str, pcn: str, pcn_name: str, sub_icb: str) -> str:
    return (
        f"GP_PRAC_PAT_LIST,01Aug2026,{practice},A PRACTICE,LA1 1AA,{pcn},{pcn_name},E38000000,{sub_icb},"
        f"NHS Lancashire and South Cumbria ICB - {sub_icb},E54000048,QE1,NHS Lancashire and South Cumbria Integrated "
        "Care Board,E40000010,Y62,North West,EMIS"
    )


def write_map(tmp_path, *rows: str):
    path = tmp_path / "gp-reg-pat-prac-map.csv"
    path.write_text("\r\n".join([MAP_HEADER, *rows]) + "\r\n")
    return path


def with_snapshot(tmp_path) -> OdsFiles:
    """The 2025 slice, and a map of 1 August 2026: P81079 moved from U87975 to U64436, P81040 joined a PCN
    new that day, P81115 left its PCN ("U", Unallocated), P81016 stayed where it was."""
    snapshot = write_map(
        tmp_path,
        map_row("P81079", "U64436", "SOUTH PCN", "00R"),
        map_row("P81040", "U99901", "NEW WEST PCN", "01E"),
        map_row("P81115", "U", "Unallocated", "00R"),
        map_row("P81016", "U64436", "SOUTH PCN", "00R"),
    )
    return OdsFiles(SET_2025.epraccur, SET_2025.epcn, SET_2025.lookup, practice_map=snapshot)


def member_links(code: str) -> list[tuple]:
    return list(
        Link.objects.filter(child__code=code, relation="pcn_member")
        .order_by("start")
        .values_list("parent__code", "start", "start_exact", "end", "end_exact")
    )


def test_a_membership_seen_only_in_a_snapshot_starts_that_day_and_the_one_before_ends_the_day_before(tmp_path):
    summary = import_ods(with_snapshot(tmp_path), today=TODAY)

    moved = member_links("P81079")
    assert moved[-2:] == [
        ("U87975", D(2020, 6, 1), True, D(2026, 7, 31), False),  # ended on or before the day before
        ("U64436", SNAPSHOT_DAY, False, None, True),  # began on or before the snapshot's day
    ]
    assert Organisation.objects.get(code="P81079").parent.code == "U64436"  # today's tree: the snapshot's PCN
    assert member_links("P81016")[-1] == ("U64436", D(2023, 4, 1), True, None, True)  # unchanged
    assert member_links("P81115")[-1][3:] == (D(2026, 7, 31), False)  # left: in no PCN that day
    assert summary.anomalies["snapshot_moved"][0] == "P81079 → U64436"

    # The day between: after the earlier file last showed it (its data date), up to the snapshot's day.
    link = memberships.parent_link(Organisation.objects.get(code="P81079"), TODAY)
    assert (link["start"], link["start_exact"], link["earliest_start"]) == (SNAPSHOT_DAY, False, D(2024, 7, 1))
    assert link["basis"] == "ods" and link["source"].startswith("gp-reg-pat-prac-map.csv")
    assert memberships.parent_link(Organisation.objects.get(code="P81079"), D(2026, 7, 31))["parent"]["code"] == (
        "U87975"
    )


def test_a_pcn_first_seen_in_a_snapshot_is_kept_from_that_day(tmp_path):
    import_ods(with_snapshot(tmp_path), today=TODAY)

    pcn = Organisation.objects.get(code="U99901")
    assert (pcn.kind, pcn.name, pcn.parent.code) == ("pcn", "NEW WEST PCN", "01E")
    assert list(Link.objects.filter(child=pcn).values_list("parent__code", "start", "start_exact")) == [
        ("01E", SNAPSHOT_DAY, False)
    ]
    assert not Organisation.objects.filter(code="U").exists()  # "Unallocated" is no PCN
    assert Dataset.objects.get(role="snapshot").data_date == SNAPSHOT_DAY


def test_the_same_snapshot_again_writes_nothing(tmp_path):
    files = with_snapshot(tmp_path)
    import_ods(files, today=TODAY)
    links = list(Link.objects.order_by("pk").values())

    again = import_ods(files, today=TODAY)

    assert again.changed == 0
    assert list(Link.objects.order_by("pk").values()) == links


def official_table(tmp_path, *rows: str):
    path = tmp_path / "official.csv"
    path.write_text("\n".join(["Practice Code,New Sub ICB Location Code", *rows]) + "\n")
    return path


def test_the_official_division_wins_over_icsmaps_inference_and_each_says_whose_it_is(tmp_path):
    # K81034's PCN went to U2G6B by icsmap's reading of its towns; ODS's table puts the practice in D9Y0V.
    official = official_table(tmp_path, "K81034,D9Y0V")
    files = OdsFiles(SET_SUCCESSIONS.epraccur, SET_SUCCESSIONS.epcn, SET_SUCCESSIONS.lookup, division=official)
    import_ods(files, today=TODAY)

    own = Link.objects.get(child__code="K81034", relation="practice_sub_icb", start=D(2026, 4, 1))
    assert own.parent.code == "D9Y0V"
    assert (memberships.basis_of(own.source), own.source.split(" ")[0]) == ("ods", "official.csv")
    # Where ODS is silent, icsmap's rows stay, and say they are icsmap's.
    silent = Link.objects.get(child__code="K81066", relation="practice_sub_icb", start=D(2026, 4, 1))
    assert memberships.basis_of(silent.source) == "icsmap"
    assert memberships.BASIS_WORDS["icsmap"] == "icsmap's inference"


def renames(tmp_path):
    path = tmp_path / "renames.csv"
    path.write_text(
        "Sub ICB Location Code,Current Sub ICB Location Name,New Sub ICB Location Name,Date\n"
        "06Q,NHS MID AND SOUTH ESSEX ICB - 06Q,NHS ESSEX ICB - 06Q,2026-04-01\n"
    )
    return path


def test_a_renamed_place_bears_each_name_on_its_own_side_of_the_renaming(tmp_path):
    files = OdsFiles(SET_SUCCESSIONS.epraccur, SET_SUCCESSIONS.epcn, SET_SUCCESSIONS.lookup, renames=renames(tmp_path))
    import_ods(files, today=TODAY)

    place = Organisation.objects.get(code="06Q")
    assert place.name == "NHS ESSEX ICB - 06Q"  # today's
    england = as_of.england()
    assert memberships.name_of(england, place, D(2026, 3, 31)) == "NHS Mid and South Essex ICB - 06Q"  # the lookup's
    assert memberships.name_of(england, place, D(2026, 4, 1)) == "NHS ESSEX ICB - 06Q"
    assert list(OrganisationName.objects.filter(organisation=place).values_list("start", "end")) == [
        (None, D(2026, 3, 31)),
        (D(2026, 4, 1), None),
    ]
    # Its move to NHS Essex that day is ODS's word too (the change summary that renames it moves it).
    moved = Link.objects.get(child=place, relation="sub_icb_icb", start=D(2026, 4, 1))
    assert (moved.source, memberships.basis_of(moved.source)) == (
        "ODS change summary, SICBL Changes (renames.csv)",
        "ods",
    )
    assert import_ods(files, today=TODAY).changed == 0


def test_registered_patients_are_kept_with_their_date_and_source(tmp_path):
    counts = tmp_path / "patients.csv"
    counts.write_text(
        "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,SEX,AGE,NUMBER_OF_PATIENTS\n"
        "GP_PRAC_PAT_LIST,2026-08-01,PCN,U64436,,ALL,ALL,41000\n"
        "GP_PRAC_PAT_LIST,2026-08-01,PCN,U64436,,MALE,5,300\n"
        "GP_PRAC_PAT_LIST,2026-08-01,SUB_ICB_LOCATION_CODE,00R,E38000226,ALL,ALL,190000\n"
    )
    files = OdsFiles(SET_2025.epraccur, SET_2025.epcn, SET_2025.lookup, patients=counts)
    import_ods(files, today=TODAY)

    assert memberships.registered_patients(Organisation.objects.get(code="U64436")) == {
        "count": 41000,
        "date": SNAPSHOT_DAY,
        "source": "NHS England Digital, Patients Registered at a GP Practice (August 2026): patients.csv "
        "(Open Government Licence v3.0)",
    }
    assert RegisteredPatients.objects.get(code="00R").ons_code == "E38000226"


def test_the_rows_of_the_patients_file_not_kept_are_listed_with_why(tmp_path):
    counts = tmp_path / "patients.csv"
    breakdown = [f"GP_PRAC_PAT_LIST,2026-08-01,PCN,U64436,,MALE,{age},300" for age in range(7)]
    counts.write_text(
        "\n".join(
            [
                "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,SEX,AGE,NUMBER_OF_PATIENTS",
                "GP_PRAC_PAT_LIST,2026-08-01,PCN,U64436,,ALL,ALL,41000",
                *breakdown,
                "GP_PRAC_PAT_LIST,2026-08-01,PCN,U,,ALL,ALL,900",
            ]
        )
        + "\n"
    )
    files = OdsFiles(SET_2025.epraccur, SET_2025.epcn, SET_2025.lookup, patients=counts)

    summary = import_ods(files, today=TODAY, dry_run=True)

    by_sex_or_age = ("patients", "a breakdown by sex or age (the totals are kept)")
    assert summary.skipped[by_sex_or_age] == len(breakdown)
    assert summary.skipped_rows[by_sex_or_age] == [f"U64436 (patients.csv, row {row})" for row in range(3, 8)]
    in_no_pcn = ("patients", "the practices in no PCN counted together (no unit of ours)")
    assert summary.skipped_rows[in_no_pcn] == [f"U (patients.csv, row {len(breakdown) + 3})"]
    # The whole file's breakdown runs to hundreds of thousands of rows: the first few stand for them.
    assert "\n    … and 2 more of the same\n" in summary.report(every=True)


def test_a_renaming_of_a_place_not_imported_is_listed_not_used(tmp_path):
    path = renames(tmp_path)
    path.write_text(path.read_text() + "00T,NHS GREATER MANCHESTER ICB - 00T,NHS BOLTON,2026-04-01\n")
    files = dataclasses.replace(SET_SUCCESSIONS, renames=path)

    summary = import_ods(files, today=TODAY, dry_run=True)

    assert summary.skipped_rows["renaming", "sub-ICB location not imported"] == ["00T (renames.csv, row 3)"]
    assert summary.names["created"] == 2  # 06Q's, before and after its renaming


@pytest.mark.slow
def test_the_shipped_import_gives_august_2026s_pcn_for_a_practice_that_moved(shipped_england):
    practice = Organisation.objects.get(code="A82012")  # Carlisle Rural PCN in January 2025
    assert practice.parent.code == "U92223"  # Carlisle Healthcare PCN, as the map of 1 August 2026 has it
    link = memberships.parent_link(practice, D(2026, 12, 2))
    assert (link["start"], link["start_exact"]) == (SNAPSHOT_DAY, False)
    assert memberships.name_of(as_of.england(), Organisation.objects.get(code="06Q"), D(2026, 3, 31)) == (
        "NHS Mid and South Essex ICB - 06Q"
    )
    assert RegisteredPatients.objects.get(code="06Q").count == 426464
    assert SHIPPED.division.name == "ods_gp_practice_moves_2026-04.csv"
    official = Link.objects.get(child__code="J82015", relation="practice_sub_icb", start=D(2026, 4, 1))
    assert (official.parent.code, memberships.basis_of(official.source)) == ("D9Y0V", "ods")
