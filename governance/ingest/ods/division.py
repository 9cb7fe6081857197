"""The division tables checked against the units the files name (the join stage).

``timeline.reorganisation`` checks the division tables against the successions and the
lookup; here, once the practices and PCNs are known, each row of the unit division and of
the official per-practice table is checked against them. Must not read the database nor
write anything.
"""

from governance.ingest.ods import timeline
from governance.ingest.ods.files import OdsFileError, PracticeRecord, where
from governance.ingest.ods.read import ReadFiles
from governance.ingest.ods.summary import Summary
from governance.ingest.ods.units import Unit


def check_unit_division(read: ReadFiles, summary: Summary) -> None:
    """Each row of the unit division that names no PCN of the ePCN file or practice of epraccur, in the report.

    Such a row is not used: the files may be part of England (a slice), so it is not refused, but
    it is never ignored without a word (the report lists it with its line).
    """
    division = read.unit_division
    known = {"pcn": (read.epcn.pcns, read.epcn.path.name), "practice": (practice_codes(read), read.epraccur.path.name)}
    for share in [*division.pcns.values(), *division.practices.values()]:
        codes, file_name = known[share.unit]
        if share.code not in codes:
            place = where(division.path, row=share.row)
            summary.anomaly("division_unit_unknown", f"{place}: {share.unit} {share.code} (not in {file_name})")


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
    """Each row of the official per-practice table names a known sub-ICB location its practice's went to."""
    division = read.division
    for move in division.practices.values():
        place = where(division.path, row=move.row)
        if move.sub_icb not in places:
            raise OdsFileError(f"{place}: sub-ICB location {move.sub_icb} is in neither the lookup nor the division")
        record = kept.get(move.practice)
        if record is None:
            summary.skipped[("division", "practice not imported")] += 1
            continue
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
