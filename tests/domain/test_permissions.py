"""Per-system rights (governance.domain.permissions) and the grant_system command."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.core.management import CommandError, call_command

from governance.domain import permissions, rules
from governance.models import Person, SystemRight
from tests.builders import D, appoint, org, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def systems():
    qaa = org("QAA", "icb")
    place_a = org("00A", "place", qaa)
    board_a = org("qaa-board", "board", qaa)
    qbb = org("QBB", "icb")
    board_b = org("qbb-board", "board", qbb)
    return {
        "qaa": qaa, "00A": place_a, "board_a": board_a, "qbb": qbb, "board_b": board_b,
        "seat_a": seat(board_a, "A member", represents=place_a), "seat_b": seat(board_b, "B member"),
    }  # fmt: skip


def grant(*args) -> str:
    out = io.StringIO()
    call_command("grant_system", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def editor(systems):
    User.objects.create_user("alice")
    grant("alice", "QAA")
    return User.objects.get(username="alice")


def test_an_editor_may_edit_only_inside_their_systems(editor, systems):
    assert list(permissions.editable_systems(editor)) == [systems["qaa"]]
    assert permissions.can_edit(editor, systems["00A"]) and permissions.can_edit(editor, systems["seat_a"])
    assert permissions.can_edit(editor, appoint(systems["seat_a"], "Holder A"))
    assert not permissions.can_edit(editor, systems["qbb"]) and not permissions.can_edit(editor, systems["seat_b"])
    assert not permissions.can_edit(editor, appoint(systems["seat_b"], "Holder B"))

    assert permissions.can_delete(editor, systems["00A"])
    assert not permissions.can_delete(editor, systems["qaa"])  # a system's root: superusers only


def test_a_person_is_editable_while_all_their_seats_are_in_the_editors_systems(editor, systems):
    person = appoint(systems["seat_a"], "Shared Holder").person
    assert permissions.can_edit(editor, person)
    assert permissions.can_edit(editor, Person.objects.create(name="Nobody Yet"))

    appoint(systems["seat_b"], "Shared Holder")
    assert not permissions.can_edit(editor, person)


def test_superuser_everything_others_nothing(systems):
    root = User.objects.create_superuser("root")
    assert permissions.editable_tree_ids(root) is None
    assert permissions.can_edit(root, systems["seat_b"]) and permissions.can_delete(root, systems["qbb"])

    staff = User.objects.create_user("bob", is_staff=True)
    staff.groups.add(permissions.ensure_editors_group())
    assert not permissions.has_any_system(staff) and not permissions.can_edit(staff, systems["00A"])
    assert not permissions.can_edit(AnonymousUser(), systems["00A"])
    assert not permissions.editable_systems(AnonymousUser()).exists()


def test_rights_alone_are_not_enough_without_the_model_permissions(systems):
    user = User.objects.create_user("carol")
    SystemRight.objects.create(user=user, system=systems["qaa"])
    assert not permissions.can_edit(user, systems["00A"])


def test_grant_system_adds_staff_group_and_rights_and_is_idempotent(systems):
    User.objects.create_user("alice")

    out = grant("alice", "QAA", "QBB")
    grant("alice", "QAA")

    alice = User.objects.get(username="alice")
    assert "alice may now edit" in out
    assert alice.is_staff and alice.groups.filter(name=permissions.EDITORS_GROUP).exists()
    assert set(permissions.editable_systems(alice).values_list("code", flat=True)) == {"QAA", "QBB"}
    assert SystemRight.objects.filter(user=alice).count() == 2
    group = Group.objects.get(name=permissions.EDITORS_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_organisation", "add_seat", "delete_appointment", "view_person"} <= codenames
    assert "delete_person" not in codenames


def test_grant_system_revoke(editor, systems):
    grant("alice", "QBB")

    grant("alice", "QAA", "--revoke")
    assert list(permissions.editable_systems(editor).values_list("code", flat=True)) == ["QBB"]
    assert editor.groups.filter(name=permissions.EDITORS_GROUP).exists()

    out = grant("alice", "QBB", "--revoke")
    assert "left the System editors group" in out
    assert not SystemRight.objects.filter(user=editor).exists()
    assert not editor.groups.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody", "QAA"], "No user 'nobody'"),
        (["alice", "QBB", "NOPE"], "no organisation 'NOPE'"),
        (["alice", "QBB", "00A"], "00A is a place, not a system"),
        (["alice", "NOPE", "--revoke"], "no organisation 'NOPE'"),
    ],
)
def test_grant_system_unknown_user_or_code_changes_nothing(editor, systems, args, message):
    with pytest.raises(CommandError, match=message):
        grant(*args)

    assert list(SystemRight.objects.values_list("user__username", "system__code")) == [("alice", "QAA")]


def test_check_appointments_tells_apart_people_who_share_a_name(systems):
    one, two = Person.objects.create(name="Sam Smith"), Person.objects.create(name="Sam Smith")

    rules.check_appointments(2, [(one, D(2023, 1, 1), None), (two, D(2023, 1, 1), None)])
    with pytest.raises(rules.RuleError, match="overlapping"):
        rules.check_appointments(2, [(one, D(2023, 1, 1), None), (one, D(2023, 6, 1), None)])
    with pytest.raises(rules.RuleError, match="3 people would hold this seat at once; it takes 2"):
        rules.check_appointments(2, [(p, D(2023, 1, 1), None) for p in (one, two, Person.objects.create(name="X"))])
