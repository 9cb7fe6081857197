import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from governance.ingest.ods import OdsImportError
from governance.ingest.ods import importer as ods


class Command(BaseCommand):
    help = (
        "Import ICBs, sub-ICB locations, PCNs and GP practices from NHS ODS files, with their history "
        "(dated links, open and close dates, the ICB successions). An update: creates, renames, moves, "
        "closes and reopens, never deletes; the same files again write nothing. Without options: the "
        "copy shipped in fixtures/ods/. Prints what it did, the rows of the files it did not use with why "
        "(a few of each reason; --verbosity 2: every one) and the anomalies it noted."
    )

    def add_arguments(self, parser):
        shipped = ods.SHIPPED
        parser.add_argument(
            "--epraccur", type=Path, default=shipped.epraccur, help="epraccur csv (either layout, .gz ok)."
        )
        parser.add_argument("--epcn", type=Path, default=shipped.epcn, help="ePCN workbook (xlsx).")
        parser.add_argument(
            "--lookup", type=Path, default=shipped.lookup, help="ONS sub-ICB → ICB → region lookup (any year)."
        )
        parser.add_argument(
            "--successions", type=Path, default=shipped.successions, help="ICB successions (predecessor → successor)."
        )
        parser.add_argument(
            "--sub-icb-division",
            type=Path,
            default=shipped.sub_icb_division,
            help="Which successor each sub-ICB location of a closed ICB went to.",
        )
        parser.add_argument(
            "--unit-division",
            type=Path,
            default=shipped.unit_division,
            help="Which new sub-ICB location each PCN and practice of a divided one went to (default: Frimley's).",
        )
        parser.add_argument(
            "--division",
            type=Path,
            default=None,
            help="The official ODS per-practice table (practice code, new sub-ICB code; csv or xlsx): "
            "overrides the shipped division for the practices it lists (default with the shipped files: "
            "ODS's change summary of April 2026).",
        )
        parser.add_argument(
            "--snapshot",
            type=Path,
            default=None,
            help="NHS England Digital's practice → PCN → sub-ICB map of one day (gp-reg-pat-prac-map, csv or zip): "
            "memberships first seen that day (default with the shipped files: 1 August 2026).",
        )
        parser.add_argument(
            "--patients", type=Path, default=None, help="Registered patients by PCN, sub-ICB location, ICB and region."
        )
        parser.add_argument(
            "--renames", type=Path, default=None, help="Sub-ICB locations' names before and after a renaming."
        )
        parser.add_argument("--dry-run", action="store_true", help="Print what would change; write nothing.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    @staticmethod
    def publication_files(epraccur, epcn, lookup, options) -> dict:
        """The division, snapshot, patients and names: as given; else, with the shipped files, the shipped ones."""
        shipped = ods.SHIPPED
        with_shipped = (epraccur, epcn, lookup) == (shipped.epraccur, shipped.epcn, shipped.lookup)
        names = {"division": "division", "snapshot": "practice_map", "patients": "patients", "renames": "renames"}
        return {
            field: options.get(option) or (getattr(shipped, field) if with_shipped else None)
            for option, field in names.items()
        }

    def handle(self, *args, epraccur, epcn, lookup, dry_run=False, quiet=False, **options):
        files = ods.OdsFiles(
            epraccur=epraccur,
            epcn=epcn,
            lookup=lookup,
            successions=options.get("successions", ods.SHIPPED.successions),
            sub_icb_division=options.get("sub_icb_division", ods.SHIPPED.sub_icb_division),
            unit_division=options.get("unit_division", ods.SHIPPED.unit_division),
            **self.publication_files(epraccur, epcn, lookup, options),
        )
        show_progress = not quiet and self.stdout.isatty()
        with tqdm(total=len(ods.STEPS), disable=not show_progress, file=sys.stderr, unit="step") as bar:

            def progress(step):
                bar.set_postfix_str(step)
                bar.update(1)

            try:
                summary = ods.import_ods(files, dry_run=dry_run, progress=progress)
            except OdsImportError as error:
                raise CommandError(str(error)) from error
            bar.update(bar.total - bar.n)  # a dry run skips the writing steps
        # --verbosity 2 lists every row not used (and every anomaly), not a few of each; 0 prints nothing.
        verbosity = options.get("verbosity", 1)
        if verbosity > 0:
            self.stdout.write(summary.report(every=verbosity > 1))
