from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from governance.domain import permissions
from governance.models import Organisation, SystemRight


class Command(BaseCommand):
    help = (
        "Give a user edit rights on one or more systems (ICB codes): makes them staff, adds them to the "
        '"System editors" group and records the rights. --revoke takes the rights away (and the group '
        "membership when no system is left). On an unknown user or code nothing changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("codes", nargs="+", metavar="CODE", help="ODS code of a system's ICB, e.g. QOP.")
        parser.add_argument("--revoke", action="store_true", help="Take the rights on these systems away.")

    def handle(self, *args, username, codes, revoke=False, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}; nothing changed.")
        systems = self._systems(codes)
        with transaction.atomic():
            if revoke:
                self._revoke(user, systems)
            else:
                self._grant(user, systems)

    def _systems(self, codes: list[str]) -> list[Organisation]:
        """Every code must name a system's root; all are checked before anything is written."""
        found = {org.code: org for org in Organisation.objects.filter(code__in=codes)}
        problems = []
        for code in codes:
            if code not in found:
                problems.append(f"no organisation {code!r}")
            elif found[code].parent_id is not None:
                problems.append(f"{code} is a {found[code].kind}, not a system (an ICB at the root)")
        if problems:
            raise CommandError("; ".join(problems) + "; nothing changed.")
        return [found[code] for code in dict.fromkeys(codes)]

    def _grant(self, user, systems):
        group = permissions.ensure_editors_group()
        user.groups.add(group)
        if not user.is_staff:  # the admin lets in staff only
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        for system in systems:
            _, created = SystemRight.objects.get_or_create(user=user, system=system)
            self.stdout.write(f"{user.username} {'may now edit' if created else 'could already edit'} {system}.")

    def _revoke(self, user, systems):
        for system in systems:
            deleted, _ = SystemRight.objects.filter(user=user, system=system).delete()
            self.stdout.write(f"{user.username} {'may no longer edit' if deleted else 'could not edit'} {system}.")
        if not SystemRight.objects.filter(user=user).exists():
            user.groups.remove(*user.groups.filter(name=permissions.EDITORS_GROUP))
            self.stdout.write(f"{user.username} edits no system now; left the {permissions.EDITORS_GROUP} group.")
