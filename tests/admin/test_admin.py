"""The admin, through the test client, as a system editor of system A (and as a superuser).

Every structural write must go through the tree service (the tree stays whole), the forms
must show the rules' errors, and nothing in system B may change for A's editor.
"""

import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from governance.admin.seats import SeatForm
from governance.domain import tree, tree_check
from governance.domain.rules import RuleError
from governance.models import Appointment, Organisation, Seat
from tests.builders import MOVE, D, appoint, change_url, drag, errors_of, form_data, org, seat, system_a

pytestmark = pytest.mark.django_db


@pytest.fixture
def systems():
    """System A (QAA) with a place, PCN, practice and board; system B (QBB) likewise, smaller."""
    a = system_a()
    qbb = org("QBB", "icb", name="System B ICB")
    place_x = org("00X", "place", qbb, name="Xray place")
    board_b = org("qbb-board", "board", qbb, name="System B board")
    seat_b = seat(board_b, "Xray place member", represents=place_x)
    appoint(seat_b, "Illustrative Holder B", D(2023, 4, 1))
    return {
        **{k: a[k] for k in ("qaa", "00A", "00B", "pcn", "practice")}, "board_a": a["board"], "seat_a": a["seat"],
        "qbb": qbb, "00X": place_x, "board_b": board_b, "seat_b": seat_b,
    }  # fmt: skip


@pytest.fixture
def editor(systems):
    user = User.objects.create_user("alice", password="not-used-in-tests")
    call_command("grant_system", "alice", "QAA", stdout=io.StringIO())
    return User.objects.get(pk=user.pk)


@pytest.fixture
def as_editor(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def as_superuser(client, systems):
    client.force_login(User.objects.create_superuser("root", password="not-used-in-tests"))
    return client


def add_url(model) -> str:
    return reverse(f"admin:governance_{model._meta.model_name}_add")


def assert_tree_whole():
    assert tree_check.diagnose().ok, tree_check.diagnose().problems


# --- organisations --------------------------------------------------------------------


def test_editor_sees_the_tree_and_can_search_and_filter(as_editor, systems):
    page = as_editor.get(MOVE).content.decode()
    assert "Alpha Surgery" in page and "Xray place" in page  # reads everything

    assert "Alpha Surgery" in as_editor.get(MOVE, {"q": "P00001"}).content.decode()
    by_system = as_editor.get(MOVE, {"system": "QBB"}).content.decode()
    assert "Xray place" in by_system and "Alpha Surgery" not in by_system
    by_kind = as_editor.get(MOVE, {"kind": "board"}).content.decode()
    assert "System A board" in by_kind and "Alpha Surgery" not in by_kind
    assert as_editor.get(MOVE, {"open": "yes"}).status_code == 200


def test_editor_changes_an_organisation_in_their_system_through_the_tree(as_editor, systems):
    data = form_data(as_editor.get(change_url(systems["pcn"])))
    data.update(name="Alpha PCN renamed", parent=systems["00B"].pk)

    response = as_editor.post(change_url(systems["pcn"]), data)

    assert response.status_code == 302, errors_of(response)
    pcn = Organisation.objects.get(code="U00001")
    assert pcn.name == "Alpha PCN renamed" and pcn.parent.code == "00B"
    assert [a.code for a in Organisation.objects.get(code="P00001").get_ancestors()] == ["QAA", "00B", "U00001"]
    assert_tree_whole()


def test_editor_adds_an_organisation_in_their_system(as_editor, systems):
    data = form_data(as_editor.get(add_url(Organisation)))
    data.update(code="U00002", name="New PCN", kind="pcn", parent=systems["00B"].pk, source="governance")

    response = as_editor.post(add_url(Organisation), data)

    assert response.status_code == 302, errors_of(response)
    assert Organisation.objects.get(code="U00002").parent.code == "00B"
    assert_tree_whole()


def test_editor_cannot_start_a_system_or_add_into_another(as_editor, systems):
    data = form_data(as_editor.get(add_url(Organisation)))
    data.update(code="QNEW", name="New ICB", kind="icb", parent="", source="governance")
    assert "Only a superuser can start a new system" in errors_of(as_editor.post(add_url(Organisation), data))

    data.update(code="99Z", kind="place", parent=systems["qbb"].pk)
    assert "Select a valid choice" in errors_of(as_editor.post(add_url(Organisation), data))
    assert not Organisation.objects.filter(code__in=["QNEW", "99Z"]).exists()


def test_placement_and_cycle_errors_are_shown_on_the_form(as_editor, systems):
    url = change_url(systems["practice"])
    data = form_data(as_editor.get(url))
    data["parent"] = systems["board_a"].pk
    assert "cannot sit under a board" in errors_of(as_editor.post(url, data))

    url = change_url(systems["00A"])
    data = form_data(as_editor.get(url))
    data["parent"] = systems["pcn"].pk  # its own descendant
    assert "Select a valid choice" in errors_of(as_editor.post(url, data))  # not even offered
    assert Organisation.objects.get(code="00A").parent.code == "QAA"
    assert_tree_whole()


def test_editor_cannot_change_or_delete_in_another_system(as_editor, systems):
    url = change_url(systems["00X"])
    page = as_editor.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]  # read-only

    data = {"code": "00X", "name": "Hijacked", "kind": "place", "parent": systems["qbb"].pk, "source": "governance"}
    assert as_editor.post(url, data).status_code == 403
    delete = reverse("admin:governance_organisation_delete", args=[systems["00X"].pk])
    assert as_editor.post(delete, {"post": "yes"}).status_code == 403
    assert Organisation.objects.get(code="00X").name == "Xray place"


def test_editor_deletes_a_leaf_in_their_system_through_the_tree(as_editor, systems):
    leaf = org("00C", "place", systems["qaa"])
    response = as_editor.post(reverse("admin:governance_organisation_delete", args=[leaf.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Organisation.objects.filter(code="00C").exists()
    assert_tree_whole()


def test_bulk_delete_goes_through_the_tree_and_refuses_other_systems(as_editor, systems):
    leaf = org("00C", "place", systems["qaa"])
    action = {"action": "delete_selected", "post": "yes"}

    as_editor.post(MOVE, {**action, "_selected_action": [leaf.pk]})
    assert not Organisation.objects.filter(code="00C").exists()

    leaf_b = org("00Y", "place", systems["qbb"])
    response = as_editor.post(MOVE, {**action, "_selected_action": [leaf_b.pk]})
    assert response.status_code == 403
    assert Organisation.objects.filter(code="00Y").exists()
    assert_tree_whole()


# --- the drag-and-drop move -----------------------------------------------------------


@pytest.mark.parametrize(
    ("position", "target", "parent", "order"),
    [
        ("last-child", "00B", "00B", None),
        ("first-child", "00A", "00A", ["U00001", "U00002"]),
        ("left", "00A", "QAA", ["U00001", "00A"]),
        ("right", "00A", "QAA", ["00A", "U00001"]),
    ],
)
def test_drag_move_in_own_system_goes_through_the_tree(as_editor, systems, position, target, parent, order):
    org("U00002", "pcn", systems["00A"])  # a sibling, so first-child differs from last-child
    target_org = Organisation.objects.get(code=target)

    response = drag(as_editor, systems["pcn"], target_org, position)

    assert response.status_code == 200 and response.content == b"OK, moved."
    moved = Organisation.objects.get(code="U00001")
    assert moved.parent.code == parent
    if order:
        siblings = [o.code for o in moved.parent.get_children()]
        assert siblings.index(order[0]) < siblings.index(order[1])
    assert_tree_whole()


def test_drag_move_refused_from_or_into_another_system(as_editor, systems):
    before = tree_check.diagnose().stored

    assert drag(as_editor, systems["00X"], systems["00A"], "last-child").status_code == 403
    assert drag(as_editor, systems["pcn"], systems["00X"], "last-child").status_code == 403
    assert drag(as_editor, systems["pcn"], systems["00X"], "left").status_code == 403

    assert tree_check.diagnose().stored == before
    assert Organisation.objects.get(code="U00001").parent.code == "00A"


def test_drag_move_that_breaks_a_rule_is_refused_and_changes_nothing(as_editor, systems):
    before = tree_check.diagnose().stored

    assert drag(as_editor, systems["practice"], systems["board_a"], "last-child").status_code == 400
    assert drag(as_editor, systems["00A"], systems["pcn"], "last-child").status_code == 400  # a cycle
    assert drag(as_editor, systems["00A"], systems["qaa"], "left").status_code == 400  # beside a root
    assert drag(as_editor, systems["pcn"], systems["00A"], "sideways").status_code == 400

    assert tree_check.diagnose().stored == before


def test_move_organisation_to_keeps_roots_in_place():
    a, b = org("QAA", "icb"), org("QBB", "icb")
    with pytest.raises(RuleError, match="root of its system"):
        tree.move_organisation_to(b, a, "left")
    assert_tree_whole()


def test_superuser_edits_and_moves_in_any_system(as_superuser, systems):
    url = change_url(systems["00X"])
    data = form_data(as_superuser.get(url))
    data["name"] = "Xray place renamed"
    assert as_superuser.post(url, data).status_code == 302
    assert Organisation.objects.get(code="00X").name == "Xray place renamed"

    assert drag(as_superuser, systems["00X"], systems["board_b"], "right").content == b"OK, moved."
    assert_tree_whole()


# --- seats on a body; appointments on a seat ------------------------------------------


def test_body_page_adds_a_seat_inline(as_editor, systems):
    url = change_url(systems["board_a"])
    data = form_data(as_editor.get(url))
    data.update({"seats-TOTAL_FORMS": "2", "seats-1-body": systems["board_a"].pk})
    data.update(
        {"seats-1-label": "Beta place member", "seats-1-role": "representative", "seats-1-selection": "elected"}
    )
    data.update({"seats-1-represents": systems["00B"].pk, "seats-1-voting": "on", "seats-1-max_holders": "1"})

    response = as_editor.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert Seat.objects.get(label="Beta place member").represents.code == "00B"


def test_body_page_refuses_a_seat_representing_another_system(as_superuser, systems):
    url = change_url(systems["board_a"])
    data = form_data(as_superuser.get(url))
    data["seats-0-represents"] = systems["00X"].pk  # the superuser is offered every organisation

    assert "it is in another system" in errors_of(as_superuser.post(url, data))
    assert Seat.objects.get(pk=systems["seat_a"].pk).represents.code == "00A"


def test_editor_is_not_offered_organisations_of_another_system(as_editor, systems):
    url = change_url(systems["seat_a"])
    data = form_data(as_editor.get(url))
    data["represents"] = systems["00X"].pk

    assert "Select a valid choice" in errors_of(as_editor.post(url, data))

    autocomplete = reverse("admin:autocomplete")
    params = {"app_label": "governance", "model_name": "seat", "field_name": "represents", "term": "place"}
    found = [r["text"] for r in as_editor.get(autocomplete, params).json()["results"]]
    assert any("Alpha place" in text for text in found) and not any("Xray" in text for text in found)


def test_seat_page_adds_an_appointment_inline(as_editor, systems):
    seat_a = systems["seat_a"]
    Appointment.objects.filter(seat=seat_a).update(end=D(2024, 3, 31))
    url = change_url(seat_a)
    data = form_data(as_editor.get(url))
    new = f"appointments-{seat_a.appointments.count()}"
    person = appoint(seat(systems["board_a"], "spare"), "Illustrative Holder C").person
    data.update({f"{new}-person": person.pk, f"{new}-start": "2024-04-01", f"{new}-end": ""})

    response = as_editor.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert seat_a.appointments.filter(person=person, start=D(2024, 4, 1)).exists()


def test_seat_page_shows_too_many_holders_and_saves_nothing(as_editor, systems):
    seat_a = systems["seat_a"]
    url = change_url(seat_a)
    data = form_data(as_editor.get(url))
    new = f"appointments-{seat_a.appointments.count()}"
    person = appoint(seat(systems["board_a"], "spare"), "Illustrative Holder C").person
    data.update({f"{new}-person": person.pk, f"{new}-start": "2024-04-01"})

    assert "2 people would hold this seat at once; it takes 1" in errors_of(as_editor.post(url, data))
    assert seat_a.appointments.count() == 1

    data["max_holders"] = "2"  # the seat's own form and its holders are checked together
    assert as_editor.post(url, data).status_code == 302
    assert seat_a.appointments.count() == 2


def test_end_before_start_is_shown_on_the_form(as_editor, systems):
    data = {"seat": systems["seat_a"].pk, "person": systems["seat_a"].appointments.get().person.pk}
    data.update(start="2025-01-01", end="2024-01-01", source="")

    assert "ends (2024-01-01) before it starts" in errors_of(as_editor.post(add_url(Appointment), data))


def test_add_holder_form_is_prefilled_and_checks_the_holders(as_editor, systems):
    seat_a = systems["seat_a"]
    page = as_editor.get(add_url(Appointment), {"seat": seat_a.pk})
    assert page.context["adminform"].form.initial["seat"] == str(seat_a.pk)

    person = appoint(seat(systems["board_a"], "spare"), "Illustrative Holder C").person
    data = {"seat": seat_a.pk, "person": person.pk, "start": "2024-04-01", "end": "", "source": ""}
    assert "2 people would hold this seat at once" in errors_of(as_editor.post(add_url(Appointment), data))

    data["start"] = "2023-04-01"
    holder = seat_a.appointments.get().person
    data["person"] = holder.pk
    data["start"] = "2023-05-01"
    assert "overlapping appointments" in errors_of(as_editor.post(add_url(Appointment), data))


def test_editor_cannot_change_seats_or_appointments_of_another_system(as_editor, systems):
    seat_b = systems["seat_b"]
    appointment_b = seat_b.appointments.get()
    seat_data = {"body": systems["board_b"].pk, "label": "Hijacked", "role": "member", "selection": "elected"}

    assert as_editor.post(change_url(seat_b), seat_data).status_code == 403
    assert as_editor.post(change_url(appointment_b), {"end": "2024-01-01"}).status_code == 403
    delete = reverse("admin:governance_seat_delete", args=[seat_b.pk])
    assert as_editor.post(delete, {"post": "yes"}).status_code == 403

    # Nor add to them: neither a seat on B's board nor a holder of B's seat is a valid choice.
    seat_data.update(label="New", max_holders="1", voting="on")
    assert "Select a valid choice" in errors_of(as_editor.post(add_url(Seat), seat_data))
    holder = {"seat": seat_b.pk, "person": appointment_b.person.pk, "start": "2025-01-01"}
    assert "Select a valid choice" in errors_of(as_editor.post(add_url(Appointment), holder))

    assert Seat.objects.get(pk=seat_b.pk).label == "Xray place member"
    assert seat_b.appointments.get().end is None


def test_a_seat_body_must_be_a_body(as_superuser, systems):
    data = {"body": systems["00A"].pk, "label": "Misplaced", "role": "member", "selection": "elected"}
    data.update(max_holders="1")
    assert "Select a valid choice" in errors_of(as_superuser.post(add_url(Seat), data))  # units not offered

    form = SeatForm(data=data)  # the rule itself, behind the narrowed choices
    assert not form.is_valid() and "seats belong on a board" in str(form.errors)


# --- actions --------------------------------------------------------------------------


def test_end_appointment_today_action_ends_only_own_systems(as_editor, systems):
    appointment_a = systems["seat_a"].appointments.get()
    appointment_b = systems["seat_b"].appointments.get()

    as_editor.post(
        reverse("admin:governance_appointment_changelist"),
        {"action": "end_today", "_selected_action": [appointment_a.pk, appointment_b.pk]},
    )

    appointment_a.refresh_from_db()
    appointment_b.refresh_from_db()
    assert appointment_a.end == timezone.localdate()
    assert appointment_b.end is None


@pytest.mark.parametrize("days_left", [0, -1, 400])  # ending today, ended yesterday, not yet started
def test_end_appointment_today_leaves_those_not_running_past_today(as_editor, systems, days_left):
    today = timezone.localdate()
    appointment = systems["seat_a"].appointments.get()
    start = today + datetime.timedelta(days=days_left) if days_left > 0 else appointment.start
    end = None if days_left > 0 else today + datetime.timedelta(days=days_left)
    Appointment.objects.filter(pk=appointment.pk).update(start=start, end=end)

    response = as_editor.post(
        reverse("admin:governance_appointment_changelist"),
        {"action": "end_today", "_selected_action": [appointment.pk]},
        follow=True,
    )

    assert "Ended 0 appointment(s) today." in response.content.decode()
    appointment.refresh_from_db()
    assert (appointment.start, appointment.end) == (start, end)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("yes", {"Illustrative Holder A", "Illustrative Holder B"}), ("no", {"Illustrative Ended"})],
)
def test_the_current_filter_lists_by_the_appointment_date_rule(as_superuser, systems, value, expected):
    appoint(systems["seat_a"], "Illustrative Ended", D(2020, 1, 1), timezone.localdate() - datetime.timedelta(days=1))

    response = as_superuser.get(reverse("admin:governance_appointment_changelist"), {"current": value})

    assert {str(a.person) for a in response.context["cl"].result_list} == expected


def test_add_holder_action_and_link_open_the_prefilled_form(as_editor, systems):
    seat_a = systems["seat_a"]
    expected = add_url(Appointment) + f"?seat={seat_a.pk}"

    response = as_editor.post(
        reverse("admin:governance_seat_changelist"), {"action": "add_holder_action", "_selected_action": [seat_a.pk]}
    )
    assert response.status_code == 302 and response["Location"] == expected
    assert expected in as_editor.get(change_url(seat_a)).content.decode()

    response = as_editor.post(
        reverse("admin:governance_seat_changelist"),
        {"action": "add_holder_action", "_selected_action": [systems["seat_b"].pk]},
    )
    assert response.status_code == 302 and response["Location"] != expected  # back to the list, refused


def test_every_structural_write_of_the_admin_takes_the_tree_lock(as_editor, systems, monkeypatch):
    taken = []
    real = tree.structural_write

    def spy():
        taken.append(1)
        return real()

    monkeypatch.setattr(tree, "structural_write", spy)

    data = form_data(as_editor.get(change_url(systems["00B"])))
    data["name"] = "Beta renamed"
    assert as_editor.post(change_url(systems["00B"]), data).status_code == 302
    assert taken, "update"

    taken.clear()
    assert drag(as_editor, systems["pcn"], systems["00B"], "last-child").content == b"OK, moved."
    assert taken, "drag-move"

    taken.clear()
    leaf = org("00C", "place", systems["qaa"])
    taken.clear()
    as_editor.post(reverse("admin:governance_organisation_delete", args=[leaf.pk]), {"post": "yes"})
    assert taken and not Organisation.objects.filter(code="00C").exists(), "delete"
    assert_tree_whole()


# --- holders not recorded, portfolios, terms -------------------------------------------


def test_seat_page_keeps_holders_not_recorded_only_without_appointments(as_editor, systems):
    seat_a = systems["seat_a"]
    url = change_url(seat_a)
    data = form_data(as_editor.get(url))
    del data["holders_recorded"]  # an unticked box is not posted

    assert "holders are not recorded, yet it would have 1 appointment" in errors_of(as_editor.post(url, data))
    assert Seat.objects.get(pk=seat_a.pk).holders_recorded is True

    data["appointments-0-DELETE"] = "on"
    assert as_editor.post(url, data).status_code == 302
    kept = Seat.objects.get(pk=seat_a.pk)
    assert (kept.holders_recorded, kept.appointments.count()) == (False, 0)
    assert as_editor.get(url).context["adminform"].form["holders_recorded"].value() is False


def test_no_holder_is_added_to_a_seat_whose_holders_are_not_recorded(as_editor, systems):
    unknown = seat(systems["board_a"], "Director of finance", role="executive", portfolio="finance")
    Seat.objects.filter(pk=unknown.pk).update(holders_recorded=False)
    person = systems["seat_a"].appointments.get().person
    data = {"seat": unknown.pk, "person": person.pk, "start": "2024-04-01", "end": "", "term_ends": "", "source": ""}

    assert "holders are not recorded" in errors_of(as_editor.post(add_url(Appointment), data))
    assert not unknown.appointments.exists()


def test_body_page_sets_portfolio_and_refuses_it_on_a_chair(as_editor, systems):
    url = change_url(systems["board_a"])
    data = form_data(as_editor.get(url))
    data.update({"seats-TOTAL_FORMS": "2", "seats-1-body": systems["board_a"].pk, "seats-1-label": "Director"})
    data.update({"seats-1-role": "chair", "seats-1-selection": "appointed", "seats-1-portfolio": "nursing"})
    data.update({"seats-1-voting": "on", "seats-1-max_holders": "1"})

    assert "Only executive seats have a portfolio" in errors_of(as_editor.post(url, data))

    data["seats-1-role"] = "executive"
    assert as_editor.post(url, data).status_code == 302
    assert Seat.objects.get(label="Director").portfolio == "nursing"


def test_term_due_to_end_is_kept_and_checked(as_editor, systems):
    appointment = systems["seat_a"].appointments.get()
    url = change_url(appointment)
    data = form_data(as_editor.get(url))

    data["term_ends"] = "2020-01-01"
    assert "term is due to end (2020-01-01) before" in errors_of(as_editor.post(url, data))
    data["term_ends"] = "2027-03-31"
    assert as_editor.post(url, data).status_code == 302
    assert Appointment.objects.get(pk=appointment.pk).term_ends == D(2027, 3, 31)


def test_system_provenance_is_edited_on_the_icb(as_superuser, systems):
    url = change_url(systems["qaa"])
    data = form_data(as_superuser.get(url))
    data.update(governance_source="https://example.org/qaa", verified_on="2026-11-03", illustrative="on")

    assert as_superuser.post(url, data).status_code == 302, errors_of(as_superuser.post(url, data))
    qaa = Organisation.objects.get(code="QAA")
    assert (qaa.governance_source, qaa.verified_on, qaa.illustrative) == (
        "https://example.org/qaa",
        D(2026, 11, 3),
        True,
    )


# An LMC's coverage (issue 15)


@pytest.fixture
def lmc_a(systems):
    return org("qaa-lmc", "lmc", systems["qaa"], name="System A LMC")


def test_lmc_page_adds_what_it_covers_inline(as_editor, systems, lmc_a):
    url = change_url(lmc_a)
    data = form_data(as_editor.get(url))
    data.update({"coverage-TOTAL_FORMS": "1", "coverage-INITIAL_FORMS": "0", "coverage-0-covered": systems["00A"].pk})

    response = as_editor.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert list(lmc_a.coverage.values_list("covered__code", flat=True)) == ["00A"]


def test_lmc_page_refuses_to_cover_a_board(as_superuser, systems, lmc_a):
    url = change_url(lmc_a)
    data = form_data(as_superuser.get(url))
    data.update(
        {"coverage-TOTAL_FORMS": "1", "coverage-INITIAL_FORMS": "0", "coverage-0-covered": systems["board_a"].pk}
    )

    assert "Select a valid choice" in errors_of(as_superuser.post(url, data))  # a board is never offered
    assert not lmc_a.coverage.exists()


def test_an_editor_of_one_system_covers_a_place_of_another(as_editor, systems, lmc_a):
    # Surrey and Sussex LMCs span two ICBs: an LMC's area follows counties, not systems
    url = change_url(lmc_a)
    data = form_data(as_editor.get(url))
    data.update({"coverage-TOTAL_FORMS": "1", "coverage-INITIAL_FORMS": "0", "coverage-0-covered": systems["00X"].pk})

    response = as_editor.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert list(lmc_a.coverage.values_list("covered__code", flat=True)) == ["00X"]


def test_only_an_lmc_page_offers_coverage(as_superuser, systems):
    inlines = as_superuser.get(change_url(systems["00A"])).context["inline_admin_formsets"]
    assert not inlines
