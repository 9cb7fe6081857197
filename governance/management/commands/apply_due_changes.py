from django.core.management.base import BaseCommand, CommandError

from governance.domain import dates, links


class Command(BaseCommand):
    help = (
        "Bring today's tree into line with the dated links: move each unit whose link parent today is not its "
        "tree parent (a PCN change or a succession falling due). Idempotent; run daily. Every import runs it too."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Apply as of this day (YYYY-MM-DD) instead of today.")

    def handle(self, *args, date=None, **options):
        try:
            today = dates.believed(dates.parse_date(date)) if date else None
        except dates.BadDate as error:
            raise CommandError(str(error)) from error
        moved = links.apply_due_changes(today)
        for code, old, new in moved:
            self.stdout.write(f"  {code}: {old or '(none)'} → {new}")
        self.stdout.write(f"Moved {len(moved)} organisation(s) to their parent of {today or 'today'}.")
