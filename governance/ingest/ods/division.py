"""The division tables checked against the units the files name, and their rows not used (the join stage).

``timeline.reorganisation`` checks the division tables against the successions and the
lookup (and skips the rows about ICBs a lookup of part of England does not name); here, once
the practices and PCNs are known, each row of the unit division (``frimley_division_*.csv``)
and of the official per-practice table (``--division``) is checked against them:

- a row naming a PCN, practice or sub-ICB location the files do not name is refused
  (``OdsFileError`` naming file and row): no code goes unchecked into the import;
- a row naming one the files name but the import does not keep (a practice closed before
  July 2022, dormant, not a GP practice…), or one that made no link (the unit closed before
  the division, the official table or its PCN placed it…), is not used: ``report_unused``
  skips it in the ``Summary`` with why, so the report lists it.

Must not read the database nor write anything.
"""

import datetime

from governance.ingest.ods import timeline
from governance.ingest.ods.files import OdsFileError, PracticeRecord, where
from governance.ingest.ods.read import ReadFiles
from governance.ingest.ods.summary import Summary
from governance.ingest.ods.tables import UnitShare
from governance.ingest.ods.units import Unit, not_imported_reason, pcn_skip_reason

DIVISION = "division"  # the kind of the rows skipped here, as the report groups them


def check_unit_division(read: ReadFiles, reorg: timeline.Reorganisation) -> None:
    """Each row of the unit division names a PCN of the ePCN file (or the snapshot) or a practice of epraccur.

    Rows of sub-ICB locations out of scope (``timeline._check_units`` skips them) are not checked.
    """
    division = read.unit_division
    practices = practice_codes(read)
    snapshot = {row.pcn for row in read.practice_map.practices.values()} if read.practice_map else set()
    for share in unit_rows(read):
        if share.sub_icb not in reorg.shares:
            continue
        place = where(division.path, row=share.row)
        if share.unit == "practice" and share.code not in practices:
            raise OdsFileError(f"{place}: practice {share.code} is not in {read.epraccur.path.name}")
        if share.unit == "pcn" and share.code not in read.epcn.pcns and share.code not in snapshot:
            named = f"not in {read.epcn.path.name}"
            if read.practice_map is not None:
                named = f"in neither {read.epcn.path.name} nor {read.practice_map.path.name}"
            raise OdsFileError(f"{place}: PCN {share.code} is {named}")


def unit_rows(read: ReadFiles) -> list[UnitShare]:
    """The rows of the unit division, PCNs then practices."""
    division = read.unit_division
    return [*division.pcns.values(), *division.practices.values()]


def practice_codes(read: ReadFiles) -> set[str]:
    """The codes of every row of epraccur."""
    return {record.code for record in read.epraccur.practices}


def check_official_division(
    read: ReadFiles,
    reorg: timeline.Reorganisation,
    places: dict[str, Unit],
    kept: dict[str, PracticeRecord],
    summary: Summary,
) -> None:
    """Each row of the official per-practice table names a practice of epraccur and a known sub-ICB location its
    practice's went to."""
    division = read.division
    practices = practice_codes(read)
    for move in division.practices.values():
        place = where(division.path, row=move.row)
        if move.sub_icb not in places:
            raise OdsFileError(f"{place}: sub-ICB location {move.sub_icb} is in neither the lookup nor the division")
        if move.practice not in practices:
            raise OdsFileError(f"{place}: practice {move.practice} is not in {read.epraccur.path.name}")
        record = kept.get(move.practice)
        if record is None:
            continue  # not used: report_unused says why
        if record.sub_icb not in reorg.divided:
            if move.sub_icb != record.sub_icb:
                summary.anomaly("division_not_applied", f"{move.practice} ({record.sub_icb})")
            continue
        went = reorg.successors_of(record.sub_icb)
        if move.sub_icb not in went:
            raise OdsFileError(
                f"{place}: {move.practice} is in {record.sub_icb}, which went to {', '.join(sorted(went))}, "
                f"not to {move.sub_icb}"
            )


def report_unused(
    read: ReadFiles,
    reorg: timeline.Reorganisation,
    places: dict[str, Unit],
    kept: dict[str, PracticeRecord],
    pcns: dict[str, Unit],
    summary: Summary,
) -> None:
    """Skip, with why, each row of the unit division and the official table that made no link.

    Called once every link is made (``reorg.used`` holds the rows they were made from).
    """
    records = {record.code: record for record in read.epraccur.practices}
    if read.unit_division is not None:
        for share in unit_rows(read):
            if share.sub_icb in reorg.shares and ("units", share.row) not in reorg.used:
                place = where(read.unit_division.path, row=share.row)
                if share.unit == "pcn":
                    reason, detail = unused_pcn_row(read, reorg, share, places, pcns)
                else:
                    reason, detail = unused_practice_row(read, reorg, share, records.get(share.code), kept)
                summary.skip(DIVISION, reason, f"{share.unit} {share.code} ({place}): {detail}")
    if read.division is not None:
        for move in read.division.practices.values():
            if ("official", move.row) not in reorg.used:
                reason, detail = unused_official_row(read, reorg, records.get(move.practice), kept)
                summary.skip(DIVISION, reason, f"{move.practice} ({where(read.division.path, row=move.row)}): {detail}")


def unused_pcn_row(
    read: ReadFiles, reorg: timeline.Reorganisation, share: UnitShare, places: dict[str, Unit], pcns: dict[str, Unit]
) -> tuple[str, str]:
    """(reason, detail) of a PCN row of the unit division that made no link."""
    record = read.epcn.pcns.get(share.code)
    if record is None:
        return "PCN first seen in the snapshot, after the division", f"in {read.practice_map.path.name}"
    if share.code not in pcns:
        return "PCN not imported", pcn_skip_reason(record, places) or "not kept"
    return unused_unit_row(reorg, share, record.sub_icb, record.opened, record.closed, read.epcn.path.name)


def unused_practice_row(
    read: ReadFiles,
    reorg: timeline.Reorganisation,
    share: UnitShare,
    record: PracticeRecord | None,
    kept: dict[str, PracticeRecord],
) -> tuple[str, str]:
    """(reason, detail) of a practice row of the unit division that made no link."""
    if share.code not in kept:
        return "practice not imported", not_imported_reason(record)
    by = reorg.placed_by.get(share.code)
    if by is not None and by[0] == "official":
        return "practice placed by the official table", where(read.division.path, row=by[1])
    if by is not None and by[0] == "pcn":
        return "practice placed with its PCN", f"in {by[1]}"
    return unused_unit_row(reorg, share, record.sub_icb, record.opened, record.closed, read.epraccur.path.name)


def unused_unit_row(
    reorg: timeline.Reorganisation,
    share: UnitShare,
    sub_icb: str,
    opened: datetime.date | None,
    closed: datetime.date | None,
    file_name: str,
) -> tuple[str, str]:
    """(reason, detail) of a row of the unit division whose unit is kept and that made no link."""
    if sub_icb not in (share.sub_icb, share.successor_sub_icb):
        return "in another sub-ICB location in the files", f"in {sub_icb} in {file_name}"
    return unused_by_dates(reorg.divided[share.sub_icb], opened, closed)


def unused_official_row(
    read: ReadFiles, reorg: timeline.Reorganisation, record: PracticeRecord | None, kept: dict[str, PracticeRecord]
) -> tuple[str, str]:
    """(reason, detail) of a row of the official table that made no link."""
    if record is None or record.code not in kept:
        return "practice not imported", not_imported_reason(record)
    if record.sub_icb not in reorg.divided:
        return "practice not in a divided sub-ICB location", f"in {record.sub_icb} in {read.epraccur.path.name}"
    return unused_by_dates(reorg.divided[record.sub_icb], record.opened, record.closed)


def unused_by_dates(day: datetime.date, opened: datetime.date | None, closed: datetime.date | None) -> tuple[str, str]:
    """(reason, detail) of a division row whose unit was not open across the day of the division."""
    if closed is not None and closed < day:
        return "closed before the division", f"closed {closed}"
    if opened is not None and opened >= day:
        return "opened on or after the division", f"opened {opened}"
    return "no link needed it", f"the division of {day}"
