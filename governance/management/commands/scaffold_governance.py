from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from governance.governance_file import GovernanceFileError
from governance.governance_file.scaffold import ScaffoldError, scaffold_governance


class Command(BaseCommand):
    help = (
        "Give every open ICB that has no top board its statutory unitary board (chair, chief executive, "
        "directors of finance, medicine and nursing, two non-executive members, three partner members; holders "
        "not recorded) and its ICP. Never touches a system with a top board; a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", metavar="CODE", help="ICB codes (default: every open ICB).")
        parser.add_argument(
            "--out", type=Path, metavar="DIR", help="Write governance files (CODE.yaml) there instead of loading them."
        )

    def handle(self, *args, codes, out=None, **options):
        try:
            report = scaffold_governance(codes, out=out)
        except ScaffoldError as error:
            raise CommandError(str(error)) from error
        except GovernanceFileError as error:
            raise CommandError("Nothing was written:\n" + "\n".join(error.messages)) from error
        if options["verbosity"]:
            for line in report.lines(rows=options["verbosity"] >= 2):  # 1: counts; 2: each system
                self.stdout.write(line)
