from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from governance.domain import links, tree, tree_check

SHOW_AT_MOST = 50


class Command(BaseCommand):
    help = (
        "Verify the MPTT fields (tree_id/lft/rght/level) against parent links, and that today's tree follows today's "
        "dated links; --fix rebuilds the fields and applies the changes due, under the tree lock."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Rebuild the tree fields from parent links.")

    def handle(self, *args, fix=False, **options):
        if fix:
            with tree.structural_write():  # re-diagnose inside the lock: another writer may have been mid-way
                diagnosis = tree_check.diagnose()
                self._list(diagnosis.problems)
                if diagnosis.cycles:
                    raise CommandError("Cannot fix: parent links form a cycle at " + ", ".join(diagnosis.cycles))
                fixed = tree_check.rebuild()
                moved = links.apply_due_changes()
            self.stdout.write(f"Rebuilt {fixed} organisation(s); the tree is whole.")
            if moved:
                self.stdout.write(f"Moved {len(moved)} organisation(s) to their parent of today by their links.")
            return
        diagnosis = tree_check.diagnose()
        due = links.due_moves(timezone.localdate())
        if diagnosis.ok and not due:
            self.stdout.write(f"Tree OK: {len(diagnosis.stored)} organisations.")
            return
        self._list(diagnosis.problems)
        self._list(
            [
                f"{org.code}: under {org.parent.code if org.parent_id else '(none)'}, but its links put it under "
                f"{parent.code} today"
                for org, parent in due
            ]
        )
        if not diagnosis.ok:
            raise CommandError(
                f"{len(diagnosis.problems)} organisation(s) have wrong tree fields; run check_tree --fix."
            )
        raise CommandError(
            f"{len(due)} organisation(s) are not where today's links put them; "
            "run apply_due_changes (or check_tree --fix)."
        )

    def _list(self, problems):
        for problem in problems[:SHOW_AT_MOST]:
            self.stdout.write(f"  {problem}")
        if len(problems) > SHOW_AT_MOST:
            self.stdout.write(f"  … and {len(problems) - SHOW_AT_MOST} more")
