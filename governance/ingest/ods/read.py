"""Every file of an import, read and checked before anything is written (the read stage).

``read_files`` reads the NHS's files (``files``, ``workbook``) and icsmap's own tables
(``tables``) into plain records. Must not join them, nor touch the database.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from governance.ingest.ods.files import Epcn, Epraccur, Lookup, read_epcn, read_epraccur, read_lookup
from governance.ingest.ods.publication import (
    Patients,
    PracticeMap,
    Renames,
    read_patients,
    read_practice_map,
    read_renames,
)
from governance.ingest.ods.summary import STEPS
from governance.ingest.ods.tables import (
    PracticeDivision,
    SubIcbDivision,
    Successions,
    UnitDivision,
    read_practice_division,
    read_sub_icb_division,
    read_successions,
    read_unit_division,
)

SHIPPED_DIR = Path(settings.BASE_DIR) / "fixtures" / "ods"


@dataclass(frozen=True)
class OdsFiles:
    """The files of one import. ``division`` is the official ODS per-practice table, when a user has it;
    ``practice_map`` a snapshot of practices in PCNs on one day, ``patients`` the registered patients,
    ``renames`` the sub-ICB locations' renamings (``publication``)."""

    epraccur: Path
    epcn: Path
    lookup: Path
    successions: Path = SHIPPED_DIR / "icb_successions_2026-04.csv"
    sub_icb_division: Path = SHIPPED_DIR / "sub_icb_division_2026-04.csv"
    unit_division: Path | None = SHIPPED_DIR / "frimley_division_2026-04.csv"
    division: Path | None = None
    practice_map: Path | None = None
    patients: Path | None = None
    renames: Path | None = None


SHIPPED = OdsFiles(
    epraccur=SHIPPED_DIR / "epraccur_2026-02.csv.gz",
    epcn=SHIPPED_DIR / "ePCN_2025-01.xlsx",
    lookup=SHIPPED_DIR / "LOC22_ICB22_NHSER22_EN_LU.csv",
    division=SHIPPED_DIR / "ods_gp_practice_moves_2026-04.csv",
    practice_map=SHIPPED_DIR / "gp-reg-pat-prac-map_2026-08.zip",
    patients=SHIPPED_DIR / "gp_registered_patients_2026-08.csv",
    renames=SHIPPED_DIR / "sub_icb_renames_2026-04.csv",
)


@dataclass
class ReadFiles:
    """Every file of an import, read and checked."""

    epraccur: Epraccur
    epcn: Epcn
    lookup: Lookup
    successions: Successions
    sub_icb_division: SubIcbDivision
    unit_division: UnitDivision | None
    division: PracticeDivision | None
    practice_map: PracticeMap | None = None
    patients: Patients | None = None
    renames: Renames | None = None


def read_files(files: OdsFiles, done: Callable[[str], None]) -> ReadFiles:
    """Read and check every file of ``files``, reporting each step to ``done``."""
    epraccur = read_epraccur(files.epraccur)
    done(STEPS[0])
    epcn = read_epcn(files.epcn)
    done(STEPS[1])
    lookup = read_lookup(files.lookup)
    done(STEPS[2])
    read = ReadFiles(
        epraccur=epraccur,
        epcn=epcn,
        lookup=lookup,
        successions=read_successions(files.successions),
        sub_icb_division=read_sub_icb_division(files.sub_icb_division),
        unit_division=read_unit_division(files.unit_division) if files.unit_division else None,
        division=read_practice_division(files.division) if files.division else None,
        practice_map=read_practice_map(files.practice_map) if files.practice_map else None,
        patients=read_patients(files.patients) if files.patients else None,
        renames=read_renames(files.renames) if files.renames else None,
    )
    done(STEPS[3])
    return read


def describe_files(read: ReadFiles) -> list[str]:
    """One line per file, for the summary."""
    lines = [
        f"epraccur:    {read.epraccur.path.name} ({read.epraccur.layout.name} layout, "
        f"data date {read.epraccur.data_date})",
        f"ePCN:        {read.epcn.path.name} (data date {read.epcn.data_date})",
        f"lookup:      {read.lookup.path.name} ({len(read.lookup.locations)} sub-ICB locations, "
        f"as at {read.lookup.as_at})",
        f"successions: {read.successions.path.name} ({len(read.successions.successions)} rows)",
        f"division:    {read.sub_icb_division.path.name} ({len(read.sub_icb_division.shares)} rows)",
    ]
    if read.unit_division is not None:
        units = read.unit_division
        lines.append(f"             {units.path.name} ({len(units.pcns)} PCNs, {len(units.practices)} practices)")
    if read.division is not None:
        lines.append(f"             {read.division.path.name} ({len(read.division.practices)} practices, official)")
    if read.practice_map is not None:
        snapshot = read.practice_map
        lines.append(f"snapshot:    {snapshot.path.name} ({len(snapshot.practices)} practices on {snapshot.day})")
    if read.patients is not None:
        lines.append(
            f"patients:    {read.patients.path.name} ({len(read.patients.counts)} units on {read.patients.day})"
        )
    if read.renames is not None:
        lines.append(f"names:       {read.renames.path.name} ({len(read.renames.renames)} renamings)")
    return lines
