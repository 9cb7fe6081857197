"""The ``Dataset`` rows an import describes: one per role, each file with its data date, publication and source
(the join stage). Must not read the database nor write anything.
"""

from pathlib import Path

from governance.ingest.ods.read import ReadFiles
from governance.models import Dataset, DatasetRole

# Where the shipped files came from, for the Dataset rows (fixtures/ods/README.md says more).
SHIPPED_DATASETS = {
    "epraccur_2026-02.csv.gz": (
        "February 2026",
        "NHS England ODS epraccur (Data Search & Export layout), re-hosted by "
        "benstanbury/antibiotic-prescribing-analysis, data/raw/epraccur.csv, commit 8757853 "
        "(Open Government Licence v3.0)",
    ),
    "ePCN_2025-01.xlsx": (
        "January 2025",
        "NHS England ODS ePCN workbook, re-hosted by efejiroe/r-tutorials, data/ePCN.xlsx, commit ad9f875 "
        "(Open Government Licence v3.0)",
    ),
    # A snapshot and dated events: their data dates say how old they are ("as at 1 July 2022").
    "LOC22_ICB22_NHSER22_EN_LU.csv": (
        "",
        "ONS Sub-ICB Locations to ICBs to NHS England Regions (July 2022), re-hosted by "
        "craig-shenton/cqc-icb-lookup, commit 2415e27 (Open Government Licence v3.0)",
    ),
    "icb_successions_2026-04.csv": (
        "",
        "ODS succession records of the ICBs of 1 April 2026, transcribed for icsmap (../shared/data/ods/SOURCES.md)",
    ),
    "sub_icb_division_2026-04.csv": (
        "",
        "icsmap's division of the closed ICBs by sub-ICB location and of Frimley by place, each row with its "
        "basis (fixtures/ods/README.md)",
    ),
    "gp-reg-pat-prac-map_2026-08.zip": (
        "August 2026",
        "NHS England Digital, Patients Registered at a GP Practice, mapping file (extract 1 August 2026), "
        "re-hosted by robg-test/icb-map, data/nhs/gp-reg-pat-prac-map.zip, commit 3677cdc "
        "(Open Government Licence v3.0)",
    ),
    "gp_registered_patients_2026-08.csv": (
        "August 2026",
        "NHS England Digital, Patients Registered at a GP Practice, totals of gp-reg-pat-prac-sing-age-regions.zip "
        "(extract 1 August 2026), re-hosted by robg-test/icb-map, commit 3677cdc (Open Government Licence v3.0)",
    ),
    "sub_icb_renames_2026-04.csv": (
        "November 2025",
        "NHS England ODS, ICB Mergers Phase 1 April 2026 Change Summary v1, sheet SICBL Changes, re-hosted by "
        "Will-Suvera/Tech-growth-map, commit 0449113 (Open Government Licence v3.0)",
    ),
    "ods_gp_practice_moves_2026-04.csv": (
        "November 2025",
        "NHS England ODS, ICB Mergers Phase 1 April 2026 Change Summary v1, sheet GP Practice Moves, re-hosted by "
        "Will-Suvera/Tech-growth-map, commit 0449113 (Open Government Licence v3.0)",
    ),
}
DATASET_FIELDS = ("file", "data_date", "published", "source")


def wanted_datasets(read: ReadFiles) -> dict[str, dict]:
    """One Dataset row per role: the file, its data date, when it was published (in words), its source.

    Only the shipped files' publication and source are known (``SHIPPED_DATASETS``); for any
    other file they stay empty and the pages date it by its data date (``reading.sources``).
    """

    def row(path: Path, data_date) -> dict:
        published, source = SHIPPED_DATASETS.get(Path(path).name, ("", ""))
        return {"file": Path(path).name, "data_date": data_date, "published": published, "source": source}

    datasets = {
        DatasetRole.PRACTICES: row(read.epraccur.path, read.epraccur.data_date),
        DatasetRole.PCNS: row(read.epcn.path, read.epcn.data_date),
        DatasetRole.LOOKUP: row(read.lookup.path, read.lookup.as_at),
        DatasetRole.SUCCESSIONS: row(read.successions.path, read.successions.data_date),
    }
    division = row(read.sub_icb_division.path, read.successions.data_date)
    tables = [read.sub_icb_division, read.unit_division, read.division]
    division["file"] = " + ".join(Path(table.path).name for table in tables if table is not None)
    if read.division is not None:
        division["source"] = (
            f"{division['source']}; the official ODS table {Path(read.division.path).name} for the practices it lists"
        ).lstrip("; ")
    datasets[DatasetRole.DIVISION] = division
    if read.practice_map is not None:
        datasets[DatasetRole.SNAPSHOT] = row(read.practice_map.path, read.practice_map.day)
    if read.patients is not None:
        datasets[DatasetRole.PATIENTS] = row(read.patients.path, read.patients.day)
    if read.renames is not None:
        days = [rename.day for rename in read.renames.renames.values()]
        datasets[DatasetRole.NAMES] = row(read.renames.path, max(days, default=None))
    limits = {name: Dataset._meta.get_field(name).max_length for name in ("file", "published", "source")}
    return {
        role: {name: value[: limits[name]] if name in limits else value for name, value in fields.items()}
        for role, fields in datasets.items()
    }
