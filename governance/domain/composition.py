"""The statutory composition of an ICB's unitary board, and the check of a system's top board against it.

Each requirement has its ``basis`` (docs/DESIGN.md, "Statutory composition", cites both):

- ``act``: the NHS Act 2006, Schedule 1B, as amended by the Health and Care Act 2022
  (legislation.gov.uk/ukpga/2006/41/schedule/1B): a chair; a chief executive; three partner
  members, nominated by NHS trusts and foundation trusts, by providers of primary medical
  services, and by local authorities; and a member with knowledge and experience of services
  for people with mental illness (``mental_health``: checked by the seats flagged
  ``mental_health``, since the Act asks for a member with that knowledge, not a seat of its own);
- ``policy``: NHS England's guidance on ICB constitutions and governance: a director of finance,
  a medical director and a director of nursing (executive seats told apart by ``portfolio``), and
  two non-executive members.

``REQUIREMENTS`` is the one statement of that list: the check reads it, and so does
``scaffold_governance``, which gives a board without seats exactly the seats it names.

Counts are of *places*: a seat that takes two holders offers two. For each requirement,
``seats`` is the places on matching seats, ``filled`` the people holding them,
``vacant`` the empty places on seats whose holders are recorded, ``unrecorded`` the
places on seats whose holders are not recorded. Its ``status`` is decided in this order:
``missing`` (fewer places than the minimum), ``vacant`` (filled + unrecorded < minimum:
short whoever holds the unrecorded ones), ``unrecorded`` (filled < minimum only because
holders are not recorded), else ``met``. The board's ``met`` is true when every
requirement is met, false when any is missing or vacant, otherwise null (not known).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from governance.models import Portfolio, Role, Sector, Selection

# The check reads a system as ``governance.reading.graph`` loads it (a ``SystemGraph`` and its
# ``SeatView``s), by their attributes only: the domain does not import the readers.

MET, MISSING, VACANT, UNRECORDED = "met", "missing", "vacant", "unrecorded"
STATUSES = (MET, MISSING, VACANT, UNRECORDED)
ACT, POLICY = "act", "policy"
BASES = {ACT: "by the Act", POLICY: "by NHS England policy"}


@dataclass(frozen=True)
class Requirement:
    """Seats a unitary board must have: ``minimum`` places on seats of ``role`` (and ``portfolio`` or ``sector``)."""

    key: str
    description: str
    basis: str  # ACT or POLICY
    role: str  # "": any role (a requirement checked by a seat flag)
    selection: str  # how the scaffold's seats are filled
    labels: tuple[str, ...]  # the seats the scaffold makes: one per place of the minimum
    portfolio: str = ""
    sector: str = ""
    flag: str = ""  # a seat attribute that must be true (``mental_health``)
    least: int = 0  # the minimum when the scaffold makes no seat for it

    @property
    def minimum(self) -> int:
        return len(self.labels) or self.least

    def matches(self, seat) -> bool:
        """Whether ``seat`` (anything with ``role``, ``portfolio``, ``sector`` and ``mental_health``) counts."""
        return (
            (not self.role or seat.role == self.role)
            and (not self.portfolio or seat.portfolio == self.portfolio)
            and (not self.sector or seat.sector == self.sector)
            and (not self.flag or bool(getattr(seat, self.flag, False)))
        )


REQUIREMENTS = (
    Requirement("chair", "A chair", ACT, Role.CHAIR, Selection.APPOINTED, ("Chair",)),
    Requirement(
        "chief_executive", "A chief executive", ACT, Role.CHIEF_EXECUTIVE, Selection.APPOINTED, ("Chief executive",)
    ),
    Requirement(
        "finance_director",
        "A director of finance",
        POLICY,
        Role.EXECUTIVE,
        Selection.APPOINTED,
        ("Director of finance",),
        portfolio=Portfolio.FINANCE,
    ),
    Requirement(
        "medical_director",
        "A medical director",
        POLICY,
        Role.EXECUTIVE,
        Selection.APPOINTED,
        ("Medical director",),
        portfolio=Portfolio.MEDICAL,
    ),
    Requirement(
        "nursing_director",
        "A director of nursing",
        POLICY,
        Role.EXECUTIVE,
        Selection.APPOINTED,
        ("Director of nursing",),
        portfolio=Portfolio.NURSING,
    ),
    Requirement(
        "non_executive",
        "Two non-executive members",
        POLICY,
        Role.NON_EXECUTIVE,
        Selection.APPOINTED,
        ("Non-executive member (1)", "Non-executive member (2)"),
    ),
    Requirement(
        "partner_trusts",
        "A partner member nominated by NHS trusts and foundation trusts",
        ACT,
        Role.PARTNER_MEMBER,
        Selection.NOMINATED,
        ("Partner member (NHS trusts and foundation trusts)",),
        sector=Sector.NHS_TRUSTS,
    ),
    Requirement(
        "partner_primary_medical",
        "A partner member nominated by providers of primary medical services",
        ACT,
        Role.PARTNER_MEMBER,
        Selection.NOMINATED,
        ("Partner member (primary medical services)",),
        sector=Sector.GENERAL_PRACTICE,
    ),
    Requirement(
        "partner_local_authority",
        "A partner member nominated by local authorities",
        ACT,
        Role.PARTNER_MEMBER,
        Selection.NOMINATED,
        ("Partner member (local authorities)",),
        sector=Sector.LOCAL_AUTHORITY,
    ),
    # No seat of its own: the scaffold makes none, and a board with no seat flagged is not known
    # to break it (one of its members may have that knowledge): ``unrecorded``.
    Requirement(
        "mental_health",
        "A member with knowledge and experience of services for people with mental illness",
        ACT,
        "",
        Selection.APPOINTED,
        (),
        flag="mental_health",
        least=1,
    ),
)


def _status(minimum: int, seats: int, filled: int, unrecorded: int) -> str:
    if seats < minimum:
        return MISSING
    if filled + unrecorded < minimum:
        return VACANT
    if filled < minimum:
        return UNRECORDED
    return MET


def check_requirement(requirement: Requirement, seats: Iterable) -> dict:
    """One requirement against a board's seats (each with ``max_holders``, ``holders_recorded`` and the
    ``holders`` of the date)."""
    matching = [seat for seat in seats if requirement.matches(seat)]
    places = sum(seat.max_holders for seat in matching)
    filled = sum(len(seat.holders) for seat in matching if seat.holders_recorded)
    unrecorded = sum(seat.max_holders for seat in matching if not seat.holders_recorded)
    status = _status(requirement.minimum, places, filled, unrecorded)
    if requirement.flag and not matching:
        status = UNRECORDED  # which member it is is not recorded, not known to be missing
    return {
        "requirement": requirement.key,
        "description": requirement.description,
        "basis": requirement.basis,
        "minimum": requirement.minimum,
        "seats": places,
        "filled": filled,
        "vacant": places - filled - unrecorded,
        "unrecorded": unrecorded,
        "status": status,
    }


def board_met(requirements: list[dict]) -> bool | None:
    """True when every requirement is met; false when any is missing or vacant; otherwise None (not known)."""
    if any(r["status"] in (MISSING, VACANT) for r in requirements):
        return False
    if all(r["status"] == MET for r in requirements):
        return True
    return None


def composition(graph) -> dict:
    """The composition check of a loaded system graph's top board at the graph's date (no queries).

    ``{"system": {"code", "name"}, "date", "board": {"code", "name", "kind"} | None,
    "requirements": [{"requirement", "description", "basis", "minimum", "seats", "filled", "vacant",
    "unrecorded", "status"}], "met"}``. A system with no top board has nothing to check:
    ``board`` null, ``requirements`` empty, ``met`` null.
    """
    root, top = graph.root, graph.top_board
    requirements = []
    if top is not None:
        seats = [seat for seat in graph.seats if seat.body_id == top.pk]
        requirements = [check_requirement(requirement, seats) for requirement in REQUIREMENTS]
    return {
        "system": {"code": root.code, "name": root.name} if root else None,
        "date": graph.date.isoformat(),
        "board": top.as_json() if top else None,
        "requirements": requirements,
        "met": board_met(requirements) if requirements else None,
    }
