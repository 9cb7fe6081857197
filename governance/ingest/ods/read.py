"""Every file of an import, read and checked before anything is written (the read stage).

``read_files`` reads the NHS's files (``files``, ``workbook``) and icsmap's own tables
(``tables``) into plain records. Must not join them, nor touch the database.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from governance.ingest.ods.files import Epcn, Epraccur, Lookup, read_epcn, read_epraccur, read_lookup
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
    """The files of one import. ``division`` is the official ODS per-practice table, when a user has it."""

    epraccur: Path
    epcn: Path
    lookup: Path
    successions: Path = SHIPPED_DIR / "icb_successions_2026-04.csv"
    sub_icb_division: Path = SHIPPED_DIR / "sub_icb_division_2026-04.csv"
    unit_division: Path | None = SHIPPED_DIR / "frimley_division_2026-04.csv"
    division: Path | None = None


SHIPPED = OdsFiles(
    epraccur=SHIPPED_DIR / "epraccur_2026-02.csv.gz",
    epcn=SHIPPED_DIR / "ePCN_2025-01.xlsx",
    lookup=SHIPPED_DIR / "LOC22_ICB22_NHSER22_EN_LU.csv",
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
    return lines
