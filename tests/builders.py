"""What more than one test module needs: builders, fixtures, constants and request helpers.

Test modules never import each other (tests/test_house.py checks it): whatever two of them
share lives here. A system in a few lines goes through the tree service, as every writer must.
"""

import contextlib
import datetime
import os
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from governance import governance_file
from governance.caching import versioning
from governance.domain import tree
from governance.ingest.ods.importer import OdsFiles
from governance.models import (
    Appointment,
    Dataset,
    Link,
    Organisation,
    OrganisationName,
    Person,
    Relation,
    Seat,
    Source,
    Succession,
)

D = datetime.date
# The illustrative Greater Manchester (invented holders): tests and docs only, never shipped.
ILLUSTRATIVE_QOP = Path(__file__).resolve().parent / "data" / "governance" / "illustrative_qop.yaml"
# The published governance `make run` loads: one file per system.
SHIPPED_GOVERNANCE = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "governance").glob("*.yaml"))
# A small system known from published sources the way researchers record it: holders seen in
# post on a day (the chair, then a new chair seen later), a place's seat on the board, a
# disagreement between two sources, and a cluster with another ICB.
SOURCED_SYSTEM = """\
system:
  code: QSS
  name: NHS Sourced Integrated Care Board
  source: https://example.org/qss/constitution
  verified: 2026-03-12
  clusters:
    - {name: "Sourced and Other cluster", seen: 2025-09-01, source: https://example.org/clusters}
top_board: qss-board
organisations:
  - {code: qss-board, name: NHS Sourced ICB Board, kind: board, parent: QSS}
  - {code: qss-pcc, name: Primary Care Commissioning Committee, kind: committee, parent: qss-board,
     source: https://example.org/qss/pcc, seen: 2026-01-10}
  - {code: 00S, name: Sourced place, kind: place, parent: QSS}
  - {code: U00S01, name: Sourced PCN, kind: pcn, parent: 00S}
  - {code: P00S01, name: Sourced Surgery, kind: practice, parent: U00S01}
seats:
  - board: qss-board
    label: Chair
    role: chair
    selection: appointed
    holders:
      - {name: Published Chair One, seen: 2025-01-10, source: https://example.org/qss/board-2025}
      - {name: Published Chair Two, seen: 2026-03-12, source: https://example.org/qss/board-2026}
  - board: qss-board
    label: Sourced place member
    role: member
    represents: 00S
    selection: nominated
    delegate: true
    mental_health: true
    holders:
      - {name: Published Place Member, seen: 2026-03-12, source: https://example.org/qss/board-2026}
    also_reported:
      - {name: Other Place Member, seen: 2025-11-02, source: https://example.org/news/place}
"""
# An LMC whose area spans two systems (as Surrey and Sussex LMCs do): its home system's place
# and another system's PCN, its source (a page showing no date) and its usual names.
SPANNING_LMC = """\
system: {code: QXU, name: NHS Surrey Heartlands Integrated Care Board}
organisations:
  - code: lmc-surrey-sussex
    name: Surrey and Sussex Local Medical Committees
    kind: lmc
    parent: QXU
    also_known_as: [Surrey and Sussex LMCs, SSLMCs]
    source: https://www.sslmcs.co.uk/aboutus
    covers: [92A, U09D1]
"""
# A system using every key the governance file takes (governance_file/format.py), each with a value that
# is not its default: clusters (one stated and ended, one seen), dated and sourced bodies, a place saying
# its routes, an LMC with its covers and names, holders known from a day, seen on a day (one ended by a
# later holder), both, with terms and citations, one acting, holders not recorded, and two accounts that disagree.
EVERY_KEY_SYSTEM = """\
system:
  code: QRT
  name: NHS Round Trip Integrated Care Board
  region: South West
  source: https://example.org/qrt/constitution
  verified: 2026-03-12
  illustrative: true
  routes: recorded
  clusters:
    - {name: Round Trip and Near cluster, from: 2025-04-01, to: 2026-03-31, source: https://example.org/clusters-2025}
    - {name: Round Trip and Far cluster, seen: 2026-05-01, source: https://example.org/clusters-2026}
top_board: qrt-board
organisations:
  - {code: qrt-board, name: NHS Round Trip ICB Board, kind: board, parent: QRT,
     source: https://example.org/qrt/board, seen: 2026-01-10}
  - {code: qrt-pcc, name: Primary Care Commissioning Committee, kind: committee, parent: qrt-board,
     opened: 2023-04-01, closed: 2026-03-31}
  - {code: 00R, name: Round Trip place, kind: place, parent: QRT, routes: not recorded}
  - {code: U00R01, name: Round Trip PCN, kind: pcn, parent: 00R}
  - {code: P00R01, name: Round Trip Surgery, kind: practice, parent: U00R01, postcode: BS1 1AA}
  - code: lmc-round-trip
    name: Round Trip Local Medical Committee
    kind: lmc
    parent: QRT
    covers: [00R, U00R01]
    source: https://example.org/lmc/about
    seen: 2026-02-02
    also_known_as: [Round Trip LMC, RT LMCs]
seats:
  - board: qrt-board
    label: Chair
    role: chair
    selection: appointed
    holders:
      - {name: Illustrative Chair One, from: 2022-07-01, to: 2024-03-31, term_ends: 2025-06-30,
         source: "Board papers, March 2022"}
      - {name: Illustrative Chair Two, seen: 2024-05-01, source: https://example.org/qrt/board-2024}
      - {name: Illustrative Chair Three, seen: 2026-02-01, source: https://example.org/qrt/board-2026, acting: true}
  - board: qrt-board
    label: Partner member (primary medical services)
    role: partner_member
    sector: general_practice
    selection: nominated
    delegate: true
    max_holders: 2
    holders:
      - {name: Illustrative Partner, from: 2023-04-01, seen: 2026-01-10, term_ends: 2027-03-31,
         source: https://example.org/qrt/board}
    also_reported:
      - {name: Illustrative Other Partner, seen: 2025-11-02, source: https://example.org/news/partner}
  - board: qrt-board
    label: Director of finance
    role: executive
    portfolio: finance
    selection: appointed
    holders: unknown
  - board: qrt-board
    label: Round Trip place member
    role: member
    represents: 00R
    selection: elected
    delegate: true
    voting: false
    mental_health: true
    holders: []
    also_reported:
      - {name: Illustrative Reported Member, seen: 2025-06-01, source: https://example.org/news/place-1}
      - {name: Illustrative Reported Member, seen: 2025-12-01, source: https://example.org/news/place-2}
"""
DEFAULT_START = D(2023, 4, 1)
# Refused alike by the pages (a 400 page), the API (a 400 naming the parameter) and the commands (exit 1).
BAD_DATES = ["20250101", "2025-1-1", "2025-02-30"]
ICBS_ESTABLISHED = D(2022, 7, 1)


def load_text(tmp_path: Path, text: str, name: str = "system.yaml"):
    """Write a governance file's ``text`` under ``tmp_path`` and load it (the loader's report)."""
    path = tmp_path / name
    path.write_text(text)
    return governance_file.load_governance([str(path)])


def org(code: str, kind: str, parent: Organisation | None = None, **fields) -> Organisation:
    """Create an organisation through the tree service (as every writer must)."""
    return tree.create_organisation(
        code=code, name=fields.pop("name", code.upper()), kind=kind, parent=parent, **fields
    )


def link(child: Organisation, parent: Organisation, relation: str, start=None, end=None, **fields) -> Link:
    """A dated link ``child`` → ``parent`` (a ``Relation``), inclusive dates, None open-ended."""
    return Link.objects.create(child=child, parent=parent, relation=relation, start=start, end=end, **fields)


def succession(predecessor: Organisation, successor: Organisation, date: datetime.date, type="merger") -> Succession:
    return Succession.objects.create(predecessor=predecessor, successor=successor, date=date, type=type)


def ods(code: str, kind: str, parent: Organisation | None = None, **fields) -> Organisation:
    """An organisation the ODS import keeps (its links, not its tree parent, say where it was)."""
    return org(code, kind, parent, source=Source.ODS, **fields)


def linked_place(code: str, icb: Organisation, name: str, **dates) -> Organisation:
    """A sub-ICB location the import keeps, in ``icb`` (the link's ``start``/``end`` from ``dates``)."""
    unit = ods(code, "place", icb, name=name)
    link(unit, icb, Relation.SUB_ICB_ICB, **dates)
    return unit


def linked_pcn(code: str, parent: Organisation, name: str) -> Organisation:
    """A PCN the import keeps, run from sub-ICB location ``parent``."""
    unit = ods(code, "pcn", parent, name=name)
    link(unit, parent, Relation.PCN_SUB_ICB)
    return unit


def linked_practice(code: str, network: Organisation, name: str, **fields) -> Organisation:
    """A practice the import keeps, a member of ``network`` from its opening (or before the records)."""
    unit = ods(code, "practice", network, name=name, **fields)
    link(unit, network, Relation.PCN_MEMBER, start=fields.get("opened"), end=fields.get("closed"))
    link(unit, network.parent, Relation.PRACTICE_SUB_ICB)
    return unit


def move_pcn(unit: Organisation, old: Organisation, new: Organisation, day: datetime.date) -> None:
    """``unit`` leaves PCN ``old`` on the day before ``day`` and is a member of ``new`` from ``day``."""
    old_link = unit.links_up.get(relation=Relation.PCN_MEMBER, parent=old)
    old_link.end = day - datetime.timedelta(days=1)
    old_link.save()
    link(unit, new, Relation.PCN_MEMBER, start=day)


def alpha_and_mid_essex(merged: datetime.date = datetime.date(2026, 4, 1)) -> dict:
    """Two systems and a merger, each unit linked by date, for the timeline's and the feeds' tests:

    - NHS Alpha ICB (QAA): Alpha place (00A) with North PCN (U1) and South PCN (U2). P84001 moves
      from U1 to U2 on 1 April 2025; Old Surgery (P84002) closes on 30 September 2025; New Surgery
      (P84003) opens in U2 on 2 June 2025. Its board (``board``) has a chair's seat (``chair``), its
      holders left to the caller.
    - NHS Mid and South Essex ICB (QH8), closed the day before ``merged``: South Essex place (99E)
      with Essex PCN (U3) and Basildon Surgery (F81001); 99E is NHS Essex's (D7T5G) from ``merged``,
      the day QH8 merged into it.
    """
    s = {}
    s["QAA"] = ods("QAA", "icb", name="NHS Alpha ICB", opened=datetime.date(2022, 7, 1))
    s["00A"] = linked_place("00A", s["QAA"], "Alpha place")
    s["U1"] = linked_pcn("U1", s["00A"], "North PCN")
    s["U2"] = linked_pcn("U2", s["00A"], "South PCN")
    s["P84001"] = linked_practice("P84001", s["U1"], "Moving Surgery")
    move_pcn(s["P84001"], s["U1"], s["U2"], datetime.date(2025, 4, 1))
    s["P84002"] = linked_practice("P84002", s["U1"], "Old Surgery", closed=datetime.date(2025, 9, 30))
    s["P84003"] = linked_practice("P84003", s["U2"], "New Surgery", opened=datetime.date(2025, 6, 2))
    s["board"] = org("qaa-board", "board", s["QAA"], name="Alpha board")
    s["chair"] = seat(s["board"], "Chair", role="chair", selection="appointed")

    last_day = merged - datetime.timedelta(days=1)
    s["QH8"] = ods("QH8", "icb", name="NHS Mid and South Essex ICB", opened=datetime.date(2022, 7, 1), closed=last_day)
    s["D7T5G"] = ods("D7T5G", "icb", name="NHS Essex ICB", opened=merged)
    s["99E"] = linked_place("99E", s["D7T5G"], "South Essex place", start=merged)
    link(s["99E"], s["QH8"], Relation.SUB_ICB_ICB, end=last_day)
    s["U3"] = linked_pcn("U3", s["99E"], "Essex PCN")
    s["F81001"] = linked_practice("F81001", s["U3"], "Basildon Surgery")
    succession(s["QH8"], s["D7T5G"], merged, "merger")
    return s


def seat(body: Organisation, label: str, *, role="representative", selection="elected", **fields) -> Seat:
    return Seat.objects.create(body=body, label=label, role=role, selection=selection, **fields)


def appoint(seat: Seat, name: str, start: datetime.date = DEFAULT_START, end=None, **fields) -> Appointment:
    person, _ = Person.objects.get_or_create(name=name)
    return Appointment.objects.create(seat=seat, person=person, start=start, end=end, **fields)


def set_top_board(system: Organisation, board: Organisation) -> None:
    Organisation.objects.filter(pk=system.pk).update(top_board=board)
    system.refresh_from_db()


def system_a() -> dict:
    """QAA: two places, a PCN under the first with a practice, and a board with one held seat."""
    qaa = org("QAA", "icb", name="System A ICB")
    place_a = org("00A", "place", qaa, name="Alpha place")
    place_b = org("00B", "place", qaa, name="Beta place")
    pcn = org("U00001", "pcn", place_a, name="Alpha PCN")
    practice = org("P00001", "practice", pcn, name="Alpha Surgery")
    board = org("qaa-board", "board", qaa, name="System A board")
    held = seat(board, "Alpha place member", represents=place_a)
    appoint(held, "Illustrative Holder A", D(2023, 4, 1))
    return {"qaa": qaa, "00A": place_a, "00B": place_b, "pcn": pcn, "practice": practice, "board": board, "seat": held}


def two_counties() -> dict:
    """Surrey Heartlands (QXU: place 92A, a PCN and two practices) and Sussex (QNX: place 09D, a PCN with a
    practice, and a second PCN), the two systems ``SPANNING_LMC`` covers parts of."""
    surrey = org("QXU", "icb", name="NHS Surrey Heartlands Integrated Care Board", opened=ICBS_ESTABLISHED)
    place_92a = org("92A", "place", surrey, name="Surrey Heartlands place")
    surrey_pcn = org("U92A1", "pcn", place_92a, name="Guildford PCN")
    org("P92A2", "practice", surrey_pcn, name="Woodbridge Hill Surgery")
    org("P92A1", "practice", surrey_pcn, name="Austen Road Surgery")
    sussex = org("QNX", "icb", name="NHS Sussex Integrated Care Board", opened=ICBS_ESTABLISHED)
    place_09d = org("09D", "place", sussex, name="Brighton and Hove place")
    sussex_pcn = org("U09D1", "pcn", place_09d, name="Brighton PCN")
    org("G81001", "practice", sussex_pcn, name="Ardingly Court Surgery")
    other_pcn = org("U09D2", "pcn", place_09d, name="Hove PCN")
    org("G81002", "practice", other_pcn, name="Hove Park Surgery")
    return {"surrey": surrey, "sussex": sussex, "92A": place_92a, "09D": place_09d}


def editor_of(username: str, *systems: Organisation, email: str = ""):
    """A staff user in the system editors' group with rights on ``systems`` (as ``grant_system`` makes them)."""
    from django.contrib.auth.models import User

    from governance.domain.permissions import ensure_editors_group
    from governance.models import SystemRight

    user = User.objects.create_user(username, email=email or f"{username}@example.org", password="pw-12345-long")
    user.is_staff = True
    user.save()
    user.groups.add(ensure_editors_group())
    for system in systems:
        SystemRight.objects.create(user=user, system=system)
    return user


def greater_manchester(*, complete: bool) -> dict:
    """A Greater-Manchester-shaped system (QOP): six hops from a Bolton practice to the ICB board.

    Practice -> PCN -> Bolton (member of) -> GP board (Bolton's seat) -> primary care board
    (the GP board's seat) -> provider board (the primary care board's seat) -> ICB board
    (reports to); and a general practice partner member on the ICB board, beside the path.
    With ``complete``, every seat on the chain is held today; without, the GP board's seat
    was held until 2024-03-31 only and the provider board's seat was never filled.
    Returns the rows by name.
    """
    s = {}
    s["icb"] = org("QOP", "icb", name="NHS Greater Manchester ICB")
    s["board"] = org("qop-board", "board", s["icb"], name="ICB board")
    s["provider"] = org("qop-provider-board", "committee", s["board"], name="Provider board")
    s["primary"] = org("qop-primary-care-board", "board", s["icb"], name="Primary care board")
    s["gp"] = org("qop-gp-board", "board", s["icb"], name="GP board")
    s["bolton"] = org("00T", "place", s["icb"], name="Bolton")
    s["pcn"] = org("U00001", "pcn", s["bolton"], name="Bolton Central PCN")
    s["practice"] = org("P00001", "practice", s["pcn"], sub_icb=s["bolton"], name="Alpha Surgery", postcode="BL1 1AA")
    set_top_board(s["icb"], s["board"])
    s["bolton_seat"] = seat(s["gp"], "Bolton locality representative", represents=s["bolton"], delegate=True)
    s["gp_seat"] = seat(s["primary"], "GP board representative", represents=s["gp"], delegate=True)
    s["primary_seat"] = seat(s["provider"], "Primary care board representative", represents=s["primary"])
    s["partner"] = seat(
        s["board"],
        "Partner member (primary medical services)",
        role="partner_member",
        sector="general_practice",
        selection="nominated",
    )
    s["a"] = appoint(s["bolton_seat"], "Illustrative Holder A", D(2023, 4, 1), source="https://example.org/a")
    appoint(s["gp_seat"], "Illustrative Holder B", D(2023, 4, 1), end=None if complete else D(2024, 3, 31))
    if complete:
        appoint(s["primary_seat"], "Illustrative Holder C", D(2023, 4, 1))
    appoint(s["partner"], "Illustrative Partner", D(2022, 7, 1))
    return s


def board_only(code: str = "QKM", **fields) -> dict:
    """A system of which only the top board and the ICP are recorded, as ``scaffold_governance`` leaves it.

    ICB ``code`` with a place (91Q), a PCN and two practices; its board's chair seat has its holders
    not recorded. Nothing says whether a practice's route reaches the board. ``fields`` go on the ICB
    (``routes_recorded=True`` to say its routes are recorded). Returns the rows by name.
    """
    s = {}
    s["icb"] = org(code, "icb", name="NHS Kent and Medway ICB", region="South East", **fields)
    s["board"] = org(f"{code.lower()}-board", "board", s["icb"], name="NHS Kent and Medway ICB Board")
    s["icp"] = org(f"{code.lower()}-icp", "icp", s["icb"], name="Kent and Medway Integrated Care Partnership")
    s["place"] = org("91Q", "place", s["icb"], name="Kent and Medway")
    s["pcn"] = org("U91001", "pcn", s["place"], name="Medway PCN")
    s["practice"] = org("G82001", "practice", s["pcn"], name="Medway Surgery")
    s["other"] = org("G82002", "practice", s["pcn"], name="Rochester Surgery")
    set_top_board(s["icb"], s["board"])
    s["chair"] = seat(s["board"], "Chair", role="chair", selection="appointed", holders_recorded=False)
    return s


def statutory_board(
    system: Organisation,
    *,
    start: datetime.date = ICBS_ESTABLISHED,
    mental_health: str | None = "Non-executive member (1)",
) -> dict[str, Seat]:
    """``system``'s top board with one seat per place of the statutory composition, each held from ``start``;
    the seat labelled ``mental_health`` is the member with knowledge of mental illness services (None: none is).

    Returns the seats by label (the labels of ``composition.REQUIREMENTS``).
    """
    from governance.domain.composition import REQUIREMENTS

    board = org(f"{system.code.lower()}-board", "board", system, name=f"{system.name} board")
    set_top_board(system, board)
    seats = {}
    for requirement in REQUIREMENTS:
        for label in requirement.labels:
            made = seat(
                board,
                label,
                role=requirement.role,
                selection=requirement.selection,
                portfolio=requirement.portfolio,
                sector=requirement.sector,
                mental_health=label == mental_health,
            )
            appoint(made, f"Illustrative {label}", start)
            seats[label] = made
    return seats


def mixed_system(*, with_governance: bool = True) -> None:
    """ICB QZZ for the exports: ODS-imported PCN and practices under a governance place, governance
    bodies around them, and values YAML could misread (a code ``123``, a name ``yes``, a holder ``Null``).

    Without ``with_governance``, only what the ODS import would bring back (the rest may exist already).
    """
    icb = Organisation.objects.filter(code="QZZ").first() or org("QZZ", "icb", name="Test ICB", source="ods")
    place = Organisation.objects.filter(code="01A").first() or org("01A", "place", icb, name="Place: one")
    pcn = org("U99001", "pcn", place, name="Central PCN", source="ods")
    org("P99001", "practice", pcn, name="Alpha Surgery", postcode="ZZ1 1AA", source="ods")
    org("P99002", "practice", pcn, name="Closed Surgery", closed=D(2024, 3, 31), source="ods")
    if not with_governance:
        return
    board = org("qzz-board", "board", icb, name="ICB board")
    gp = org("123", "committee", board, name="yes", opened=D(2023, 4, 1))  # a numeric code, a name YAML reads as true
    pcn_board = org("u99001-board", "board", pcn, name='PCN "board" #1')  # a governance body under an ODS PCN
    set_top_board(icb, board)
    chair = seat(board, "Chair", role="chair", selection="appointed")
    appoint(chair, "Illustrative Chair", D(2022, 7, 1), end=D(2024, 3, 31), source="Board papers, July 2022")
    appoint(chair, "Illustrative Chair: the second", D(2024, 4, 1), source="https://example.org/papers")
    seat(board, "Partner member (general practice)", role="partner_member", sector="general_practice")
    reps = seat(gp, "PCN representatives", represents=pcn, delegate=True, voting=False, max_holders=2)
    appoint(reps, "Null", D(2023, 4, 1))
    appoint(reps, "Zoë O'Brien", D(2023, 4, 1))
    seat(pcn_board, "Practice representative", represents=Organisation.objects.get(code="P99001"))


# --- time: ICBs that opened and closed, their successions, the source files ---------------------

ICBS_LAST_DAY = D(2026, 3, 31)  # the twelve ICBs replaced on 1 April 2026 closed at the end of this day
SUCCESSIONS_DAY = D(2026, 4, 1)


def icb(code: str, name: str, *, region="East of England", opened=ICBS_ESTABLISHED, closed=None, **fields):
    """An ICB (a system's root) open from ``opened`` (1 July 2022 unless given) to ``closed`` (its last day)."""
    return org(code, "icb", name=name, region=region, opened=opened, closed=closed, **fields)


def essex_successions() -> dict:
    """Three East of England systems around 1 April 2026, linked by date as the import would.

    QUE (Cambridgeshire and Peterborough) is open throughout, with one place (06H), a PCN and
    a practice. QH8 (Mid and South Essex) closed on 31 March 2026 and merged into D7T5G (NHS
    Essex), which opened on 1 April 2026: its place Mid Essex (06Q), with a PCN and two
    practices, was QH8's until 31 March and is NHS Essex's from 1 April. Today's tree has
    06Q under D7T5G; QH8 stays a (closed) root with nothing under it. The units are kept by the
    ODS import (``ods``), so their links say where they were.
    """
    s = {
        "que": icb("QUE", "NHS Cambridgeshire and Peterborough"),
        "qh8": icb("QH8", "NHS Mid and South Essex", closed=ICBS_LAST_DAY),
        "essex": icb("D7T5G", "NHS Essex", opened=SUCCESSIONS_DAY),
    }
    s["06H"] = ods("06H", "place", s["que"], name="Cambridgeshire place", opened=ICBS_ESTABLISHED)
    s["que_pcn"] = ods("U10001", "pcn", s["06H"], name="Fenland PCN")
    s["que_practice"] = ods("D81001", "practice", s["que_pcn"], sub_icb=s["06H"], name="Fenland Surgery")
    s["06Q"] = ods("06Q", "place", s["essex"], name="Mid Essex", opened=ICBS_ESTABLISHED)
    s["essex_pcn"] = ods("U10002", "pcn", s["06Q"], name="Chelmsford PCN")
    s["essex_practices"] = [
        ods(code, "practice", s["essex_pcn"], sub_icb=s["06Q"], name=name)
        for code, name in (("F81001", "Chelmsford Surgery"), ("F81002", "Maldon Surgery"))
    ]
    link(s["06H"], s["que"], Relation.SUB_ICB_ICB, start=ICBS_ESTABLISHED)
    link(s["06Q"], s["qh8"], Relation.SUB_ICB_ICB, start=ICBS_ESTABLISHED, end=ICBS_LAST_DAY)
    link(s["06Q"], s["essex"], Relation.SUB_ICB_ICB, start=SUCCESSIONS_DAY)
    for pcn, place in ((s["que_pcn"], s["06H"]), (s["essex_pcn"], s["06Q"])):
        link(pcn, place, Relation.PCN_SUB_ICB)
    for practice, pcn in [(s["que_practice"], s["que_pcn"])] + [(p, s["essex_pcn"]) for p in s["essex_practices"]]:
        link(practice, pcn, Relation.PCN_MEMBER)
        link(practice, practice.sub_icb, Relation.PRACTICE_SUB_ICB)
    s["merger"] = succession(s["qh8"], s["essex"], SUCCESSIONS_DAY, "merger")
    return s


def renamed_essex(*, names_source: str = "") -> dict:
    """``essex_successions()`` with 06Q renamed on 1 April 2026 (its two dated names) and its registered
    patients of 1 August 2026 (``RENAMED_PATIENTS_SOURCE``)."""
    from governance.models import RegisteredPatients

    s = essex_successions()
    place = s["06Q"]
    OrganisationName.objects.create(
        organisation=place, name="NHS Mid and South Essex ICB - 06Q", end=D(2026, 3, 31), source=names_source
    )
    OrganisationName.objects.create(
        organisation=place, name="NHS Essex ICB - 06Q", start=SUCCESSIONS_DAY, source=names_source
    )
    RegisteredPatients.objects.create(
        code="06Q", unit_type="SUB_ICB_LOCATION_CODE", count=426464, date=D(2026, 8, 1), source=RENAMED_PATIENTS_SOURCE
    )
    return s


RENAMED_PATIENTS_SOURCE = "Patients Registered at a GP Practice (August 2026): patients.csv"


def rename(organisation: Organisation, day: datetime.date, old: str, new: str, *, source: str = "") -> Organisation:
    """``organisation`` named ``old`` until the day before ``day`` and ``new`` from ``day`` (its two dated names, as
    the import writes them), ``new`` its stored name (today's)."""
    OrganisationName.objects.create(
        organisation=organisation, name=old, end=day - datetime.timedelta(days=1), source=source
    )
    OrganisationName.objects.create(organisation=organisation, name=new, start=day, source=source)
    Organisation.objects.filter(pk=organisation.pk).update(name=new)  # a name, not the tree's shape
    organisation.refresh_from_db()
    return organisation


def shipped_datasets() -> list[Dataset]:
    """``Dataset`` rows as the import of the shipped files records them (their ages as published)."""
    rows = [
        ("practices", "epraccur_2026-02.csv.gz", D(2026, 2, 3), "February 2026"),
        ("pcns", "ePCN_2025-01.xlsx", D(2024, 10, 1), "January 2025"),
        ("lookup", "LOC22_ICB22_NHSER22_EN_LU.csv", D(2022, 7, 1), ""),
        ("successions", "icb_successions_2026-04.csv", D(2026, 4, 1), ""),
    ]
    return [
        Dataset.objects.create(
            role=role, file=file, data_date=data_date, published=published, imported_at=timezone.now()
        )
        for role, file, data_date, published in rows
    ]


# --- the API ------------------------------------------------------------------------------------

ON = "2026-11-22"
API = "/api/v1"


# The API tests take these as ``client`` and ``gm``: ``client, gm = builders.api_client,
# builders.api_system`` (the page tests' ``client`` stays pytest-django's).
@pytest.fixture
def api_client():
    """A DRF test client (JSON by default, token or session credentials)."""
    return APIClient()


@pytest.fixture
def api_system():
    """A Greater-Manchester-shaped system (two seats on its chain vacant today) and a small second system."""
    s = greater_manchester(complete=False)
    s["closed"] = org("P00009", "practice", s["pcn"], name="Closed Surgery", closed=D(2025, 1, 31))
    s["other"] = org("QAA", "icb", name="Other ICB")
    s["other_pcn"] = org("U00002", "pcn", org("99A", "place", s["other"], name="Elsewhere"))
    org("P00002", "practice", s["other_pcn"], name="Beta Surgery")
    return s


def commit_now() -> None:
    """Run what would run when the test's transaction commits (it never does): the data version's bump."""
    callbacks, connection.run_on_commit = connection.run_on_commit, []
    for _savepoints, callback, _robust in callbacks:
        callback()


def codes(response):
    """The codes of a list answer's results, in order."""
    return [item["code"] for item in response.json()["results"]]


# --- the admin ----------------------------------------------------------------------------------

MOVE = reverse("admin:governance_organisation_changelist")


def change_url(obj) -> str:
    """The admin change page of ``obj``."""
    return reverse(f"admin:governance_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(response) -> dict:
    """What a browser would post back from an admin page: the form and inlines as they stand."""
    data = {}

    def take(form):
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is True:
                data[key] = "on"
            elif value in (None, False):
                if value is None:
                    data[key] = ""
            else:
                data[key] = value.isoformat() if isinstance(value, datetime.date) else value

    take(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        take(inline.formset.management_form)
        for form in inline.formset.forms:
            take(form)
    return data


def errors_of(response) -> str:
    """All the errors a changeform shows: the form's and its inlines'."""
    assert response.status_code == 200, response.status_code  # a refused save re-renders the form
    texts = [str(response.context["adminform"].form.errors)]
    for inline in response.context["inline_admin_formsets"]:
        texts += [str(inline.formset.non_form_errors()), str(inline.formset.errors)]
    return " ".join(texts)


def drag(client, cut, pasted_on, position):
    """POST as DraggableMPTTAdmin's JavaScript does."""
    return client.post(MOVE, {"cmd": "move_node", "cut_item": cut.pk, "pasted_on": pasted_on.pk, "position": position})


def revert_url(obj, row) -> str:
    """The admin page that reverts ``obj`` to its history ``row``."""
    return reverse(f"admin:governance_{obj._meta.model_name}_simple_history", args=[obj.pk, row.history_id])


def revert_form(client, url) -> dict:
    """The revert page's form as a browser would post it back (it has no inlines)."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return data


def revert_errors(response) -> str:
    """The errors a refused revert shows on its form."""
    assert response.status_code == 200, response.status_code
    return str(response.context["adminform"].form.errors)


# --- ODS files ----------------------------------------------------------------------------------

# Small slices of the real files (tests/data/ods/make_slices.py cuts them).
ODS_SLICES = Path(__file__).parent / "data" / "ods"
SET_2023 = OdsFiles(
    ODS_SLICES / "epraccur_2023-02_slice.csv", ODS_SLICES / "ePCN_2023-01_slice.xlsx", ODS_SLICES / "LOC22_slice.csv"
)
# The ICBs that closed on 31 March 2026 and NHS Hampshire and Isle of Wight, with a few of their
# practices (with the shipped successions and division files).
SET_SUCCESSIONS = OdsFiles(
    ODS_SLICES / "epraccur_2026-02_successions_slice.csv",
    ODS_SLICES / "ePCN_2025-01_successions_slice.xlsx",
    ODS_SLICES / "LOC22_successions_slice.csv",
)


def database_state() -> tuple:
    """Every row a refused write (or one of nothing) must leave as it was, history included, and the data version."""
    return (
        list(Organisation.objects.order_by("pk").values()),
        list(Link.objects.order_by("pk").values()),
        list(Succession.objects.order_by("pk").values()),
        list(Dataset.objects.order_by("pk").values()),
        list(Seat.objects.order_by("pk").values()),
        list(Appointment.objects.order_by("pk").values()),
        list(Person.objects.order_by("pk").values()),
        Organisation.history.count(),
        Link.history.count(),
        versioning.current().counter,
    )


# --- history: units that moved --------------------------------------------------------------------

PCN_MOVE_DAY = D(2024, 4, 1)  # the practice's first day in its new PCN


def history() -> dict:
    """Units the ODS import keeps, linked by date as it would link them, and today's tree as
    ``apply_due_changes`` would leave it:

    - QH8 (NHS Mid and South Essex, 1 July 2022 to 31 March 2026, ``ICBS_LAST_DAY``) and D7T5G
      (NHS Essex, from 1 April 2026, ``SUCCESSIONS_DAY``), each with a top board holding a seat
      for Mid Essex (06Q);
    - Mid Essex (06Q) was QH8's until 31 March 2026 and is D7T5G's from 1 April 2026 (today
      under D7T5G; QH8 a closed root with only its board);
    - two PCNs of Mid Essex, North (U00101) and South (U00102);
    - Moving Surgery (F81001) was in North until 31 March 2024 and is in South since 1 April 2024
      (``PCN_MOVE_DAY``); Staying Surgery (F81002) has always been in North.

    Returns the rows by name.
    """
    s = {
        "old": icb("QH8", "NHS Mid and South Essex ICB", closed=ICBS_LAST_DAY),
        "new": icb("D7T5G", "NHS Essex ICB", opened=SUCCESSIONS_DAY),
    }
    s["place"] = ods("06Q", "place", s["new"], name="Mid Essex")
    s["north"] = ods("U00101", "pcn", s["place"], name="Chelmsford North PCN")
    s["south"] = ods("U00102", "pcn", s["place"], name="Chelmsford South PCN")
    s["moving"] = ods("F81001", "practice", s["south"], sub_icb=s["place"], name="Moving Surgery")
    s["staying"] = ods("F81002", "practice", s["north"], sub_icb=s["place"], name="Staying Surgery")
    link(s["place"], s["old"], Relation.SUB_ICB_ICB, ICBS_ESTABLISHED, ICBS_LAST_DAY)
    link(s["place"], s["new"], Relation.SUB_ICB_ICB, SUCCESSIONS_DAY)
    for pcn in (s["north"], s["south"]):
        link(pcn, s["place"], Relation.PCN_SUB_ICB)
    link(s["moving"], s["north"], Relation.PCN_MEMBER, None, PCN_MOVE_DAY - datetime.timedelta(days=1))
    link(s["moving"], s["south"], Relation.PCN_MEMBER, PCN_MOVE_DAY)
    link(s["staying"], s["north"], Relation.PCN_MEMBER)
    for practice in (s["moving"], s["staying"]):
        link(practice, s["place"], Relation.PRACTICE_SUB_ICB)
    for key, system in (("old_board", s["old"]), ("new_board", s["new"])):
        s[key] = org(f"{system.code.lower()}-board", "board", system, name=f"{system.name} board")
        set_top_board(system, s[key])
        member = seat(s[key], "Mid Essex member", represents=s["place"])
        appoint(member, f"Illustrative {system.code} Member", ICBS_ESTABLISHED)
    return s


# --- the browser --------------------------------------------------------------------------------

# How the browser tests start Debian's Chromium (never `playwright install`).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"  # git-ignored


def screenshot(page, name: str) -> None:
    """A full-page screenshot of ``page`` in tests/screenshots/``name``.png, to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.fixture(scope="module")
def browser(chromium_path):
    """Chromium through Playwright's sync API, one per test module (import it to use it)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # between browser steps are plain synchronous ones.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@contextlib.contextmanager
def browser_tab(browser, base_url: str, name: str, *, width: int, height: int = 900):
    """A tab ``width`` px wide on ``base_url``, recording requests to anywhere else
    (``requests_elsewhere``) and what the Content-Security-Policy blocked (``csp_violations``);
    photographed as ``name`` when it closes."""
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=base_url)
    tab = context.new_page()
    tab.set_default_timeout(5000)
    tab.requests_elsewhere = []
    tab.csp_violations = []
    tab.on(
        "console",
        lambda message: tab.csp_violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    tab.on(
        "request",
        lambda request: (
            None if request.url.startswith((base_url, "data:")) else tab.requests_elsewhere.append(request.url)
        ),
    )
    try:
        yield tab
        if tab.url.startswith(base_url):
            screenshot(tab, name)
    finally:
        context.close()
