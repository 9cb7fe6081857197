"""What a governance file says, as plain data: the dataclasses the parse step fills and the later steps read."""

import datetime
from dataclasses import dataclass, field

from governance.models import Source

# A value the parser found wrong is None here: a spec with problems is only ever
# checked further (to find more mistakes), never applied.


@dataclass
class SystemSpec:
    code: str | None
    name: str | None
    region: str | None  # None: keep the region the database has
    # Where the holders come from. Unlike region (which ODS may set), only governance keeps
    # these, so the file is their truth: a key left out is its default.
    source: str = ""
    verified: datetime.date | None = None
    illustrative: bool | None = False
    routes_recorded: bool | None = None  # ``routes``; None: not said (domain.routes decides)
    clusters: "list[ClusterSpec] | None" = None  # None: the file does not say (keep what the database has)

    def provenance(self) -> dict:
        """The root's provenance fields, as the file leaves them."""
        return {
            "governance_source": self.source,
            "verified_on": self.verified,
            "illustrative": self.illustrative,
            "routes_recorded": self.routes_recorded,
        }


@dataclass
class OrganisationSpec:
    where: str  # "organisations[2]"
    code: str | None
    name: str | None
    kind: str | None
    parent: str | None
    optional: dict = field(default_factory=dict)  # opened/closed/postcode, only those the file gives
    covers: list[str] | None = None  # an LMC's places, PCNs and practices; None: the file does not say

    def fields(self) -> dict:
        """The fields the file sets. An optional key left out keeps what the database has (e.g. from ODS).

        A body's ``source`` and ``seen`` are kept in ``governance_source`` and ``verified_on`` (the
        ``source`` field says who keeps the row)."""
        return {"name": self.name, "kind": self.kind, "source": Source.GOVERNANCE, **self.optional}


@dataclass
class ClusterSpec:
    """The system's ICB in a cluster of ICBs, from ``start`` (``from``, or ``seen`` when not ``start_known``)."""

    where: str  # "system.clusters[0]"
    name: str | None
    start: datetime.date | None
    start_known: bool
    end: datetime.date | None
    source: str | None


@dataclass
class ReportSpec:
    """Another source's account of a seat's holder (``also_reported``)."""

    where: str  # "seats[3].also_reported[0]"
    name: str | None
    seen: datetime.date | None
    source: str | None


@dataclass
class HolderSpec:
    where: str  # "seats[3].holders[0]"
    name: str | None
    start: datetime.date | None  # ``from``, or ``seen`` when the file gives no ``from``
    end: datetime.date | None  # ``to``, or the day before the next holder's start (see parse)
    source: str
    valid: bool
    term_ends: datetime.date | None = None  # when the term is due to end (``end``: when it did)
    seen: datetime.date | None = None  # the day the source shows them in post
    start_known: bool = True  # False: no ``from``; in post on or before ``seen``
    end_known: bool = True  # False: the end is the day before a later holder's start (parse)
    acting: bool = False  # the source names them as acting in the seat

    def fields(self) -> dict:
        """The appointment's fields besides seat, person and start."""
        return {
            "end": self.end,
            "term_ends": self.term_ends,
            "source": self.source,
            "seen": self.seen,
            "start_known": self.start_known,
            "end_known": self.end_known,
            "acting": self.acting,
        }


@dataclass
class SeatSpec:
    where: str  # "seats[3]"
    board: str | None
    label: str | None
    role: str | None
    selection: str | None
    represents: str | None
    sector: str
    delegate: bool | None
    voting: bool | None
    max_holders: int | None
    holders: list[HolderSpec]
    holders_recorded: bool = True  # False: ``holders: unknown``
    portfolio: str = ""
    mental_health: bool | None = False
    also_reported: list[ReportSpec] = field(default_factory=list)


@dataclass
class GovernanceSpec:
    """One governance file, read and checked on its own (no database)."""

    file: str
    system: SystemSpec
    top_board: str | None
    organisations: list[OrganisationSpec]
    seats: list[SeatSpec]

    def codes_mentioned(self) -> set[str]:
        codes = {self.system.code, self.top_board}
        for org in self.organisations:
            codes |= {org.code, org.parent, *(org.covers or ())}
        for seat in self.seats:
            codes |= {seat.board, seat.represents}
        return {code for code in codes if code}

    def holder_names(self) -> set[str]:
        return {holder.name for seat in self.seats for holder in seat.holders if holder.name}
