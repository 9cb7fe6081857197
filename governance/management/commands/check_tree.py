from django.core.management.base import BaseCommand, CommandError

from governance.domain import tree, tree_check

SHOW_AT_MOST = 50


class Command(BaseCommand):
    help = (
        "Verify the MPTT fields (tree_id/lft/rght/level) against parent links; --fix rebuilds them under the tree lock."
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
            self.stdout.write(f"Rebuilt {fixed} organisation(s); the tree is whole.")
            return
        diagnosis = tree_check.diagnose()
        if diagnosis.ok:
            self.stdout.write(f"Tree OK: {len(diagnosis.stored)} organisations.")
            return
        self._list(diagnosis.problems)
        raise CommandError(f"{len(diagnosis.problems)} organisation(s) have wrong tree fields; run check_tree --fix.")

    def _list(self, problems):
        for problem in problems[:SHOW_AT_MOST]:
            self.stdout.write(f"  {problem}")
        if len(problems) > SHOW_AT_MOST:
            self.stdout.write(f"  … and {len(problems) - SHOW_AT_MOST} more")
