"""History (django-simple-history): who changed what and when, through every writer.

Moves (raw SQL in django-mptt) and the ODS import's bulk writes bypass save() signals;
they must still leave one history row each. The admin shows history, reverts safely
(a revert that changes the parent is a move through the tree service), and lists a
system's recent changes in a bounded number of queries.
"""

import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance import governance_file as loading
from governance.domain import history, tree, tree_check
from governance.ingest.ods.importer import import_ods
from governance.models import Appointment, Organisation, Person, Seat
from tests.builders import (
    SET_2023,
    D,
    change_url,
    drag,
    errors_of,
    form_data,
    org,
    revert_errors,
    revert_form,
    revert_url,
    system_a,
)

pytestmark = pytest.mark.django_db

RECENT = reverse("admin:governance_recent_changes")


def rows_of(obj) -> list:
    """``obj``'s history rows, oldest first."""
    return list(type(obj).history.filter(id=obj.pk).order_by("history_id"))


def history_count() -> int:
    return sum(model.history.count() for model in (Organisation, Seat, Person, Appointment))


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]


@pytest.fixture
def system():
    return system_a()


@pytest.fixture
def root_user():
    return User.objects.create_superuser("root", password="not-used-in-tests")


@pytest.fixture
def as_root(client, root_user):
    client.force_login(root_user)
    return client


# --- what is recorded -----------------------------------------------------------------


def test_history_keeps_no_tree_cache_nor_updated_at():
    tracked = {f.name for f in Organisation.history.model.tracked_fields}
    assert tracked.isdisjoint({"lft", "rght", "tree_id", "level", "updated_at"})
    assert {"code", "name", "kind", "parent", "sub_icb", "closed"} <= tracked
    for model in (Seat, Person, Appointment):
        assert "updated_at" not in {f.name for f in model.history.model.tracked_fields}


def test_create_rename_and_delete_through_the_tree_are_recorded(system):
    leaf = org("00C", "place", system["qaa"], name="Gamma")
    tree.update_organisation(leaf, name="Gamma renamed")
    tree.delete_organisation(leaf)

    assert [(r.history_type, r.name) for r in rows_of(leaf)] == [
        ("+", "Gamma"),
        ("~", "Gamma renamed"),
        ("-", "Gamma renamed"),
    ]


@pytest.mark.parametrize("position", ["last-child", "first-child"])
def test_a_move_records_one_row_with_the_new_parent(system, position):
    before = len(rows_of(system["pcn"]))

    tree.move_organisation_to(system["pcn"], system["00B"], position)

    rows = rows_of(system["pcn"])
    assert len(rows) == before + 1
    assert (rows[-1].history_type, rows[-1].parent_id) == ("~", system["00B"].pk)
    assert rows[-1].prev_record.parent_id == system["00A"].pk
    # The subtree moved with it, but its own parent did not change: no row for the practice.
    assert len(rows_of(system["practice"])) == 1


def test_a_reorder_among_siblings_is_not_a_change(system):
    before = len(rows_of(system["00B"]))
    tree.move_organisation_to(system["00B"], system["00A"], "left")
    assert len(rows_of(system["00B"])) == before


def test_a_move_with_a_rename_is_one_row(system):
    tree.update_organisation(system["pcn"], name="Alpha PCN moved", parent=system["00B"])

    last = rows_of(system["pcn"])[-1]
    assert (last.name, last.parent_id) == ("Alpha PCN moved", system["00B"].pk)
    assert len(rows_of(system["pcn"])) == 2  # created, then the move and rename together
    assert tree_check.diagnose().ok


def test_admin_edits_and_drag_moves_record_the_user(as_root, root_user, system):
    url = change_url(system["00B"])
    data = form_data(as_root.get(url))
    data["name"] = "Beta renamed"
    assert as_root.post(url, data).status_code == 302
    assert drag(as_root, system["pcn"], system["00B"], "last-child").content == b"OK, moved."

    rename, move = rows_of(system["00B"])[-1], rows_of(system["pcn"])[-1]
    assert (rename.name, rename.history_user) == ("Beta renamed", root_user)
    assert (move.parent_id, move.history_user) == (system["00B"].pk, root_user)

    url = change_url(system["seat"].appointments.get())
    data = form_data(as_root.get(url))
    data["end"] = "2025-03-31"
    response = as_root.post(url, data)
    assert response.status_code == 302, errors_of(response)
    ended = rows_of(system["seat"].appointments.get())[-1]
    assert (ended.end, ended.history_user) == (D(2025, 3, 31), root_user)


# --- bulk and file writers ----------------------------------------------------------------


def test_the_ods_import_records_history_in_bulk_and_a_reimport_writes_nothing():
    import_ods(SET_2023)

    organisations = Organisation.objects.count()
    assert Organisation.history.count() == organisations  # one "created" row each
    assert set(Organisation.history.values_list("history_type", flat=True)) == {"+"}
    bulk = Organisation.history.exclude(kind="icb")
    assert set(bulk.values_list("history_change_reason", flat=True)) == {history.IMPORT_REASON}
    practice = Organisation.objects.filter(kind="practice").first()
    recorded = Organisation.history.get(id=practice.pk)
    assert (recorded.code, recorded.parent_id, recorded.sub_icb_id) == (
        practice.code,
        practice.parent_id,
        practice.sub_icb_id,
    )

    with CaptureQueriesContext(connection) as queries:
        import_ods(SET_2023)
    assert writes(queries) == []
    assert Organisation.history.count() == organisations


def test_an_import_update_records_every_field():
    import_ods(SET_2023)
    practice = Organisation.objects.filter(kind="practice").first()
    Organisation.objects.filter(pk=practice.pk).update(name="Out of date")  # as if the file had changed

    import_ods(SET_2023)

    last = rows_of(practice)[-1]
    assert (last.history_type, last.name, last.code, last.kind) == ("~", practice.name, practice.code, "practice")
    assert last.parent_id == practice.parent_id


def test_a_governance_load_records_history_and_a_reload_writes_nothing(tmp_path):
    path = tmp_path / "qxx.yaml"
    path.write_text(
        "system: {code: QXX, name: Test ICB}\n"
        "top_board: qxx-board\n"
        "organisations:\n"
        "  - {code: qxx-board, name: Test board, kind: board, parent: QXX}\n"
        "seats:\n"
        "  - {board: qxx-board, label: Chair, role: chair, selection: appointed,\n"
        "     holders: [{name: Illustrative Chair, from: 2023-04-01}]}\n"
    )
    loading.load_governance([path])
    assert history_count() == 2 + 1 + 1 + 1 + 1  # root, board (+ root's top_board change), seat, person, appointment

    before = history_count()
    with CaptureQueriesContext(connection) as queries:
        loading.load_governance([path])
    assert writes(queries) == []
    assert history_count() == before


# --- changes_since, for the API's feed --------------------------------------------------


def test_changes_since_lists_changes_oldest_first_with_their_fields(system):
    since = timezone.now()
    tree.update_organisation(system["pcn"], name="Alpha PCN renamed", parent=system["00B"])
    appointment = system["seat"].appointments.get()
    appointment.end = D(2025, 3, 31)
    appointment.save()
    leaf = org("00C", "place", system["qaa"], name="Gamma")
    tree.delete_organisation(leaf)

    changes = history.changes_since(since)

    assert [(c["model"], c["key"], c["change"]) for c in changes] == [
        ("organisation", {"code": "U00001"}, "changed"),
        (
            "appointment",
            {
                "board": "qaa-board",
                "label": "Alpha place member",
                "name": "Illustrative Holder A",
                "from": "2023-04-01",
            },
            "changed",
        ),
        ("organisation", {"code": "00C"}, "created"),
        ("organisation", {"code": "00C"}, "deleted"),
    ]
    renamed = changes[0]
    assert renamed["changed_fields"] == ["name", "parent"]
    assert renamed["changes"]["parent"] == {"from": "00A", "to": "00B"}
    assert renamed["user"] is None and datetime.datetime.fromisoformat(renamed["time"]) > since
    assert changes[1]["changes"] == {"end": {"from": None, "to": "2025-03-31"}}
    assert history.changes_since(timezone.now()) == []


def test_changes_since_narrows_to_one_system(system):
    since = timezone.now()
    other = org("QBB", "icb")
    org("00X", "place", other)
    tree.update_organisation(system["00A"], name="Alpha renamed")

    assert [c["key"] for c in history.changes_since(since, system="QAA")] == [{"code": "00A"}]
    assert [c["key"]["code"] for c in history.changes_since(since, system="QBB")] == ["QBB", "00X"]
    assert history.changes_since(since, system="NOPE") == []


# --- the admin: history pages, revert, recent changes ------------------------------------------


def history_url(obj) -> str:
    return reverse(f"admin:governance_{obj._meta.model_name}_history", args=[obj.pk])


def test_each_object_has_a_history_page(as_root, system):
    tree.update_organisation(system["pcn"], name="Alpha PCN renamed")
    page = as_root.get(history_url(system["pcn"])).content.decode()
    assert "Alpha PCN renamed" in page and "Alpha PCN" in page
    for obj in (system["seat"], system["seat"].appointments.get(), Person.objects.get()):
        assert as_root.get(history_url(obj)).status_code == 200


def test_reverting_a_move_moves_back_through_the_tree(as_root, root_user, system, monkeypatch):
    original = rows_of(system["pcn"])[0]
    tree.update_organisation(system["pcn"], name="Alpha PCN renamed", parent=system["00B"])
    moves = []
    real_move = tree.move_organisation

    def spy(org, new_parent, **kwargs):
        moves.append((org.code, new_parent.code))
        return real_move(org, new_parent, **kwargs)

    monkeypatch.setattr(tree, "move_organisation", spy)

    url = revert_url(system["pcn"], original)
    response = as_root.post(url, revert_form(as_root, url))

    assert response.status_code == 302, revert_errors(response)
    assert moves == [("U00001", "00A")]
    pcn = Organisation.objects.get(code="U00001")
    assert (pcn.name, pcn.parent.code) == ("Alpha PCN", "00A")
    assert Organisation.objects.get(code="P00001").get_ancestors().filter(code="00A").exists()
    assert tree_check.diagnose().ok
    last = rows_of(pcn)[-1]
    assert (last.name, last.parent_id, last.history_user) == ("Alpha PCN", system["00A"].pk, root_user)


def test_a_revert_that_breaks_a_rule_changes_nothing(as_root, system):
    original = rows_of(system["pcn"])[0]
    tree.move_organisation(system["pcn"], system["00B"])
    tree.update_organisation(system["00A"], kind="board")  # its old parent: a PCN cannot sit under a board
    url = revert_url(system["pcn"], original)

    response = as_root.post(url, revert_form(as_root, url))

    assert "cannot sit under a board" in revert_errors(response)
    assert Organisation.objects.get(code="U00001").parent.code == "00B"
    assert tree_check.diagnose().ok


def test_an_editor_cannot_revert_in_another_system(client, system):
    other = org("QBB", "icb")
    place = org("00X", "place", other, name="Xray")
    original = rows_of(place)[0]
    tree.update_organisation(place, name="Xray renamed")
    User.objects.create_user("alice", password="not-used-in-tests")
    call_command("grant_system", "alice", "QAA", stdout=io.StringIO())
    client.force_login(User.objects.get(username="alice"))

    url = revert_url(place, original)
    assert client.get(url).status_code == 200  # may look
    data = {"code": "00X", "name": "Xray", "kind": "place", "parent": other.pk, "source": "governance"}
    assert client.post(url, data).status_code == 403
    assert Organisation.objects.get(code="00X").name == "Xray renamed"


def test_reverting_an_appointment_restores_it(as_root, system):
    appointment = system["seat"].appointments.get()
    original = rows_of(appointment)[0]
    appointment.end = D(2024, 3, 31)
    appointment.save()

    url = revert_url(appointment, original)
    response = as_root.post(url, revert_form(as_root, url))

    assert response.status_code == 302, revert_errors(response)
    assert Appointment.objects.get(pk=appointment.pk).end is None


def test_recent_changes_lists_one_system_newest_first(as_root, root_user, system, django_assert_max_num_queries):
    other = org("QBB", "icb")
    org("00X", "place", other, name="Xray")
    tree.update_organisation(system["pcn"], name="Alpha PCN renamed", parent=system["00B"])
    appointment = system["seat"].appointments.get()
    appointment.end = D(2025, 3, 31)
    appointment._history_user = root_user
    appointment.save()

    with django_assert_max_num_queries(15):
        page = as_root.get(RECENT, {"system": "QAA"})

    rows = page.context["rows"]
    assert [r["object"] for r in rows[:2]] == [
        "Illustrative Holder A in qaa-board / Alpha place member from 2023-04-01",
        "U00001",
    ]
    assert rows[0]["change"].user == "root"
    assert "parent 00A → 00B" in rows[1]["change"].describe()
    assert "00X" not in [r["object"] for r in rows]
    html = page.content.decode()
    assert "name Alpha PCN → Alpha PCN renamed" in html and "end none → 2025-03-31" in html


def test_recent_changes_stays_bounded_with_many_changes(as_root, system, django_assert_max_num_queries):
    for n in range(60):
        tree.update_organisation(system["00B"], name=f"Beta {n}")
        org(f"T{n}", "pcn", system["00A"])
    with django_assert_max_num_queries(15):
        page = as_root.get(RECENT, {"system": "QAA"})
    rows = page.context["rows"]
    assert len(rows) == 100  # the page's limit
    assert [r["object"] for r in rows[:2]] == ["T59", "00B"]


def test_recent_changes_is_for_staff_who_may_view_organisations(client, system):
    assert client.get(RECENT).status_code == 302  # to the login page
    client.force_login(User.objects.create_user("someone", password="not-used-in-tests"))
    assert client.get(RECENT).status_code == 302  # not staff: to the login page
    client.force_login(User.objects.create_user("staff", password="not-used-in-tests", is_staff=True))
    assert client.get(RECENT).status_code == 403  # staff, but no right to view organisations


def test_the_organisation_list_links_to_recent_changes(as_root, system):
    page = as_root.get(reverse("admin:governance_organisation_changelist"), {"system": "QAA"})
    assert f"{RECENT}?system=QAA" in page.content.decode()


def test_a_deleted_organisation_keeps_its_history_page_but_is_not_revived(as_root, system):
    leaf = org("00C", "place", system["qaa"], name="Gamma")
    created = rows_of(leaf)[0]
    tree.delete_organisation(leaf)

    assert "Gamma" in as_root.get(history_url(leaf)).content.decode()
    data = {"code": "00C", "name": "Gamma", "kind": "place", "parent": system["qaa"].pk, "source": "governance"}
    response = as_root.post(revert_url(leaf, created), data)

    assert response.status_code == 302
    assert not Organisation.objects.filter(code="00C").exists()
