import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from governance.ingest.ods import OdsImportError
from governance.ingest.ods import importer as ods


class Command(BaseCommand):
    help = (
        "Import ICBs, sub-ICB locations, PCNs and GP practices from NHS ODS files (an update: "
        "creates, renames, moves, closes and reopens; never deletes). Without options: the copy "
        "shipped in fixtures/ods/."
    )

    def add_arguments(self, parser):
        shipped = ods.SHIPPED
        parser.add_argument(
            "--epraccur", type=Path, default=shipped.epraccur, help="epraccur csv (either layout, .gz ok)."
        )
        parser.add_argument("--epcn", type=Path, default=shipped.epcn, help="ePCN workbook (xlsx).")
        parser.add_argument("--lookup", type=Path, default=shipped.lookup, help="LOC22 sub-ICB → ICB → region lookup.")
        parser.add_argument("--dry-run", action="store_true", help="Print what would change; write nothing.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, epraccur, epcn, lookup, dry_run=False, quiet=False, **options):
        files = ods.OdsFiles(epraccur=epraccur, epcn=epcn, lookup=lookup)
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
        self.stdout.write(summary.report())
