from django.core.management.base import BaseCommand, CommandError

from governance import governance_file as loading
from governance.domain import rules


class Command(BaseCommand):
    help = (
        "Load governance files (YAML or JSON): a system's organisations, boards, seats and holders. "
        "All files load together, or on any mistake nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="Governance files (.yaml, .yml or .json).")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Delete the seats (on the files' systems) and appointments (on the files' seats) "
            "that the files do not list.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change, then roll everything back."
        )

    def handle(self, *args, files, prune=False, dry_run=False, **options):
        try:
            report = loading.load_governance(files, prune=prune, dry_run=dry_run)
        except loading.GovernanceFileError as error:
            count = len(error.problems)
            raise CommandError(
                f"{count} problem{'' if count == 1 else 's'}; nothing was written.\n" + "\n".join(error.messages)
            ) from error
        except rules.RuleError as error:  # a rule the loader's own checks missed: still nothing was written
            raise CommandError(f"{error}; nothing was written.") from error
        if options["verbosity"]:  # 1: counts; 2: every row created, changed or deleted
            for line in report.lines(rows=options["verbosity"] >= 2):
                self.stdout.write(line)
