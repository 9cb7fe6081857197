import json

from django.core.management.base import BaseCommand, CommandError

from governance.domain import dates
from governance.reading import ladder
from governance.reading.paths import PathError, representation_path


class Command(BaseCommand):
    help = "Print the representation path of an organisation to its system's top board."

    def add_arguments(self, parser):
        parser.add_argument("code", help="Organisation code, e.g. an ODS practice code.")
        parser.add_argument("--date", help="As of this date (YYYY-MM-DD); default today.")
        parser.add_argument("--json", action="store_true", help="Print DESIGN.md's JSON shape.")

    def handle(self, *args, code, date=None, json=False, **options):
        try:
            as_of = dates.as_of(date)
        except dates.BadDate as error:
            raise CommandError(f"--date: {error}") from None
        try:
            path = representation_path(code, as_of)
        except PathError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(_json_dump(path) if json else ladder.render(path))


def _json_dump(path: dict) -> str:
    return json.dumps(path, indent=2, ensure_ascii=False)
