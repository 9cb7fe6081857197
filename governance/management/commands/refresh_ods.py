import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from governance.ingest.ods import OdsImportError, download
from governance.ingest.ods import importer as ods


class Command(BaseCommand):
    help = (
        "Download the publisher's newest ODS files (settings.ODS_PUBLISHED_FILES), check them, import them "
        "with history and print what changed since the last import. A broken download changes nothing; "
        "run twice, the second run changes nothing. Monthly, from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=None,
            help="Fetch from this scheme and host instead (a mirror or a test server), keeping each file's path.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Download and check; say what would change.")

    def handle(self, *args, base_url=None, dry_run=False, **options):
        verbosity = options.get("verbosity", 1)
        with tempfile.TemporaryDirectory(prefix="icsmap-ods-") as folder:
            try:
                files = download.fetch(Path(folder), base_url, done=self._say if verbosity else None)
                summary = ods.import_ods(files, dry_run=dry_run)
            except OdsImportError as error:
                raise CommandError(f"{error}. Nothing was changed.") from error
        if verbosity > 1:
            self.stdout.write(summary.report(every=True))  # every row not used, with why
        self.stdout.write(summary.changes_report())
        # Besides the changes above, a newer file re-dates the links it still gives (their source
        # names the file and its data date): the count says all that was (or would be) written.
        if summary.changed:
            written = "would be written" if dry_run else "written"
            self.stdout.write(
                f"{summary.changed} changes {written} (organisations, dated links, successions, sources)."
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        elif not summary.changed:
            self.stdout.write("Nothing was written.")

    def _say(self, line: str) -> None:
        self.stdout.write(f"Downloaded {line}")
