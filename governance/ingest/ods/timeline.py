"""What the ODS files say happened when: ICB successions and divisions, and dated memberships.

Plain functions over the readers' records (nothing here reads a file or the database);
``join.read_snapshot`` joins what they return into the organisations and links it wants.

- ``Reorganisation``: the successions that concern the lookup's ICBs, and the divisions —
  which successor ICB each sub-ICB location of a closed ICB went to
  (``sub_icb_division_*.csv``), which new sub-ICB location each PCN and practice of a
  divided one went to (``frimley_division_*.csv``, overridden practice by practice by the
  official ODS table when given) — checked against each other and against the lookup. It
  answers a unit's sub-ICB location (``Segment``s) and a place's ICB, before and after.
  A lookup of 2026 or later names the successors; the same tables, read the other way
  round, give the links before April 2026.
- ``resolve_memberships``: every ePCN membership, clipped to the dates of its practice
  and PCN, overlaps resolved deterministically (the later start wins).
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from governance.domain.periods import Period
from governance.ingest.ods.files import (
    ICBS_ESTABLISHED,
    MEMBER_SHEET,
    Epcn,
    Lookup,
    OdsFileError,
    PcnRecord,
    PracticeRecord,
    where,
)
from governance.ingest.ods.tables import (
    PracticeDivision,
    SubIcbDivision,
    SubIcbShare,
    SuccessionRecord,
    Successions,
    UnitDivision,
)
from governance.models import Link

ONE_DAY = datetime.timedelta(days=1)
OUT_OF_SCOPE = "ICBs not in the lookup"  # a lookup of part of England: the rows about the rest are not used
SOURCE_LENGTH = Link._meta.get_field("source").max_length


def source_of(path: Path, data_date: datetime.date | None) -> str:
    """How a link names where it was read: the file and its data date."""
    name = Path(path).name
    return (f"{name} (data date {data_date})" if data_date else name)[:SOURCE_LENGTH]


@dataclass(frozen=True, slots=True)
class Segment:
    """A unit in one parent from ``start`` to ``end`` (inclusive; None: open), and where that was read."""

    parent: str
    start: datetime.date | None
    end: datetime.date | None
    source: str
    start_exact: bool = True  # False: first seen on ``start`` in a snapshot (``seen``)
    end_exact: bool = True  # False: ended on or before ``end``, the day before a snapshot showed another


def segment_on(segments: list[Segment], day: datetime.date) -> Segment | None:
    """The segment holding on ``day``."""
    return next((segment for segment in segments if Period(segment.start, segment.end).holds_on(day)), None)


@dataclass
class Reorganisation:
    """The successions and divisions that concern the lookup's ICBs, checked."""

    lookup: Lookup
    successions: list[SuccessionRecord]  # those whose predecessor or successor is an ICB of the lookup
    shares: dict[str, list[SubIcbShare]]  # a sub-ICB location of a closed ICB → where it went
    units: UnitDivision | None
    official: PracticeDivision | None
    sources: dict[str, str]  # successions, division, units, official, lookup → source text
    closing: dict[str, datetime.date] = field(default_factory=dict)  # ICB → its last day
    new_icbs: dict[str, datetime.date] = field(default_factory=dict)  # ICB → its first day
    divided: dict[str, datetime.date] = field(default_factory=dict)  # divided sub-ICB → the day it ended
    new_places: dict[str, SubIcbShare] = field(default_factory=dict)  # new sub-ICB location → its share
    # sub-ICB location that existed and took part of a divided one (not of a closed ICB) → that share
    receiving: dict[str, SubIcbShare] = field(default_factory=dict)
    came_from: dict[str, str] = field(default_factory=dict)  # sub-ICB receiving part of a divided one → that one
    date_of: dict[tuple[str, str], datetime.date] = field(default_factory=dict)
    # The division rows a link was made from, ("units" | "official", row), and what placed each practice of a
    # divided sub-ICB location: ("official" | "units", row) or ("pcn", its PCN); the others are reported unused.
    used: set[tuple[str, int]] = field(default_factory=set)
    placed_by: dict[str, tuple[str, int | str]] = field(default_factory=dict)

    # --- ICBs and places --------------------------------------------------------------

    def icb_opened(self, icb: str) -> datetime.date:
        """The day an ICB opened: 1 July 2022, or the day of the succession that made it."""
        return self.new_icbs.get(icb, ICBS_ESTABLISHED)

    def share_date(self, share: SubIcbShare) -> datetime.date:
        return self.date_of[share.predecessor_icb, share.successor_icb]

    def share_source(self, share: SubIcbShare) -> str:
        return self.sources["division"] if share.row else self.sources["successions"]

    def successors_of(self, sub_icb: str) -> set[str]:
        """The sub-ICB locations a divided one's units went to."""
        return {share.successor_sub_icb for share in self.shares.get(sub_icb, ())}

    def icb_on(self, place: str, day: datetime.date, default: str) -> str | None:
        """The ICB a place was part of on ``day`` by the successions (None: it did not exist then)."""
        if place in self.shares:
            shares = self.shares[place]
            if day < self.share_date(shares[0]):
                return shares[0].predecessor_icb
            kept = next((share for share in shares if share.successor_sub_icb == place), None)
            return kept.successor_icb if kept else None
        if place in self.new_places:
            share = self.new_places[place]
            return share.successor_icb if day >= self.share_date(share) else None
        return default

    def place_segments(self, place: str, lookup_icb: str | None) -> list[Segment]:
        """A sub-ICB location's ICB over time: from the lookup, then (or before) the division."""
        in_lookup = place in self.lookup.locations
        if place in self.shares:
            shares = self.shares[place]
            first = shares[0]
            day = self.share_date(first)
            before_source = (
                self.sources["lookup"] if in_lookup and self.lookup.as_at < day else self.share_source(first)
            )
            segments = [Segment(first.predecessor_icb, ICBS_ESTABLISHED, day - ONE_DAY, before_source)]
            kept = next((share for share in shares if share.successor_sub_icb == place), None)
            if kept is not None:
                after = self.sources["lookup"] if in_lookup and self.lookup.as_at >= day else self.share_source(kept)
                segments.append(Segment(kept.successor_icb, day, None, after))
            return segments
        if place in self.new_places:
            share = self.new_places[place]
            source = self.sources["lookup"] if in_lookup else self.share_source(share)
            return [Segment(share.successor_icb, self.share_date(share), None, source)]
        if not in_lookup:  # took part of a divided one; known from the division only
            share = self.receiving[place]
            icb = share.successor_icb
            return [Segment(icb, self.icb_opened(icb), None, self.share_source(share))]
        return [Segment(lookup_icb, self.icb_opened(lookup_icb), None, self.sources["lookup"])]

    # --- PCNs and practices -----------------------------------------------------------

    def _divide(
        self,
        sub_icb: str,
        start: datetime.date | None,
        end: datetime.date | None,
        source: str,
        chosen: tuple[str, str] | None,
    ) -> list[Segment] | None:
        """A unit's stretch in ``sub_icb``, split on the day it was divided; None when it must be and cannot."""
        day = self.divided[sub_icb]
        if (end is not None and end < day) or (start is not None and start >= day):
            return [Segment(sub_icb, start, end, source)]
        if chosen is None:
            return None
        return [Segment(sub_icb, start, day - ONE_DAY, source), Segment(chosen[0], day, end, chosen[1])]

    def _before(
        self,
        sub_icb: str,
        start: datetime.date | None,
        end: datetime.date | None,
        source: str,
        earliest: datetime.date | None,
        known: bool,
    ) -> list[Segment]:
        """A unit's stretch in a sub-ICB location that received part of a divided one, with that one before.

        Applies to files of after the division (the 2026 lookup, a later ePCN or epraccur): a
        unit in a new sub-ICB location from before it opened, or one the division tables say
        came from the divided one (``known``), was in the divided one until the day before.
        """
        previous = self.came_from[sub_icb]
        day = self.divided[previous]
        if not (known or sub_icb in self.new_places) or (end is not None and end < day):
            return [Segment(sub_icb, start, end, source)]
        if start is not None and start > day:
            return [Segment(sub_icb, start, end, source)]
        first = start if start is not None and start < day else earliest
        if first is not None and first >= day:
            return [Segment(sub_icb, day, end, source)]
        units = self.sources["units"] if known else self.sources["division"]
        return [Segment(previous, first, day - ONE_DAY, units), Segment(sub_icb, day, end, source)]

    def pcn_segments(self, pcn: PcnRecord, source: str, summary) -> list[Segment]:
        """A PCN's sub-ICB location from its opening to its closing; a divided one's PCNs move whole."""
        share = self.units.pcns.get(pcn.code) if self.units else None
        if pcn.sub_icb in self.divided:
            chosen = (share.successor_sub_icb, self.sources["units"]) if share else None
            segments = self._divide(pcn.sub_icb, pcn.opened, pcn.closed, source, chosen)
            if segments is None:
                summary.anomaly("not_divided", f"PCN {pcn.code} ({pcn.sub_icb})")
                return [Segment(pcn.sub_icb, pcn.opened, pcn.closed, source)]
            if len(segments) > 1:
                self.used.add(("units", share.row))
            return segments
        if pcn.sub_icb in self.came_from:
            known = share is not None and share.successor_sub_icb == pcn.sub_icb
            segments = self._before(pcn.sub_icb, pcn.opened, pcn.closed, source, pcn.opened, known)
            if known and len(segments) > 1:
                self.used.add(("units", share.row))
            return segments
        return [Segment(pcn.sub_icb, pcn.opened, pcn.closed, source)]

    def practice_segments(
        self,
        record: PracticeRecord,
        source: str,
        pcn_on: Callable[[datetime.date], str | None],
        pcn_segments: dict[str, list[Segment]],
        summary,
    ) -> list[Segment]:
        """A practice's own sub-ICB location from the day it joined (else opened) to its closing.

        A practice of a divided sub-ICB location goes where the official table puts it, else
        where its PCN of that day went, else where the practice division puts it.
        """
        joined = record.joined if record.closed is None or (record.joined or record.closed) <= record.closed else None
        start, sub_icb = joined or record.opened, record.sub_icb  # a join date after its closing is not believed
        if sub_icb in self.divided:
            went = self.practice_goes_to(record.code, sub_icb, pcn_on, pcn_segments)
            segments = self._divide(sub_icb, start, record.closed, source, went[:2] if went else None)
            if segments is None:
                summary.anomaly("not_divided", f"practice {record.code} ({sub_icb})")
                return [Segment(sub_icb, start, record.closed, source)]
            if len(segments) > 1:
                self._placed(record.code, went[2])
            return segments
        if sub_icb in self.came_from:
            went = self.practice_goes_to(record.code, self.came_from[sub_icb], pcn_on, pcn_segments, official=False)
            known = went is not None and went[0] == sub_icb
            segments = self._before(sub_icb, start, record.closed, source, record.opened, known)
            if known and len(segments) > 1:
                self._placed(record.code, went[2])
            return segments
        return [Segment(sub_icb, start, record.closed, source)]

    def _placed(self, practice: str, by: tuple[str, int | str]) -> None:
        """Note what placed a practice of a divided sub-ICB location (a division row then counts as used)."""
        self.placed_by[practice] = by
        if by[0] != "pcn":
            self.used.add(by)

    def practice_goes_to(
        self,
        code: str,
        sub_icb: str,
        pcn_on: Callable[[datetime.date], str | None],
        pcn_segments: dict[str, list[Segment]],
        *,
        official: bool = True,
    ) -> tuple[str, str, tuple[str, int | str]] | None:
        """(new sub-ICB location, source, what said so) of a practice of the divided ``sub_icb``, or None if no
        table says.

        The official table first (unless ``official`` is false), then its PCN of that day when
        the PCN itself went from ``sub_icb`` to one of its successors, then the practice rows of
        the division. What said so: ("official" | "units", its row) or ("pcn", the PCN's code).
        """
        day = self.divided[sub_icb]
        if official and self.official and code in self.official.practices:
            move = self.official.practices[code]
            return move.sub_icb, self.sources["official"], ("official", move.row)
        pcn = pcn_on(day)
        if pcn is not None:
            segments = pcn_segments.get(pcn, [])
            before, after = segment_on(segments, day - ONE_DAY), segment_on(segments, day)
            moved = before is not None and before.parent == sub_icb
            if moved and after is not None and after.parent in self.successors_of(sub_icb):
                return after.parent, f"{self.sources['units']}, with PCN {pcn}"[:SOURCE_LENGTH], ("pcn", pcn)
        share = self.units.practices.get(code) if self.units else None
        if share is not None:
            return share.successor_sub_icb, self.sources["units"], ("units", share.row)
        return None


def reorganisation(
    lookup: Lookup,
    successions: Successions,
    division: SubIcbDivision,
    units: UnitDivision | None,
    official: PracticeDivision | None,
    summary,
) -> Reorganisation:
    """The successions and divisions that concern the lookup's ICBs, checked against each other and the lookup.

    A succession neither of whose ICBs is in the lookup (a lookup of part of England) is left
    out and counted; so are the division rows that depend on it. Rows that name a succession
    the successions file does not have, or a successor sub-ICB location their sub-ICB location
    did not go to, are refused (OdsFileError naming file and row).
    """
    lookup_icbs = {location.icb_code for location in lookup.locations.values()}
    pairs = {(s.predecessor, s.successor): s for s in successions.successions}
    in_scope = [s for s in successions.successions if s.predecessor in lookup_icbs or s.successor in lookup_icbs]
    scoped = {succession.row for succession in in_scope}
    for succession in successions.successions:
        if succession.row not in scoped:
            place = where(successions.path, row=succession.row)
            summary.skip("succession", OUT_OF_SCOPE, f"{succession.predecessor} → {succession.successor} ({place})")
    sources = {
        "successions": source_of(successions.path, successions.data_date),
        "division": source_of(division.path, successions.data_date),
        "units": source_of(units.path, successions.data_date) if units else "",
        "official": source_of(official.path, successions.data_date) if official else "",
        "lookup": source_of(lookup.path, lookup.as_at),
    }
    result = Reorganisation(lookup, in_scope, {}, units, official, sources)
    result.date_of = {(s.predecessor, s.successor): s.date for s in in_scope}
    result.closing = {s.predecessor: s.date - ONE_DAY for s in in_scope}
    by_successor = defaultdict(list)
    for succession in in_scope:
        by_successor[succession.successor].append(succession)
    for successor, made in by_successor.items():
        existed = successor in lookup_icbs and lookup.as_at < made[0].date
        if successor not in result.closing and not existed and all(s.type != "acquisition" for s in made):
            result.new_icbs[successor] = made[0].date

    for share in division.shares:
        place = where(division.path, row=share.row)
        pair = (share.predecessor_icb, share.successor_icb)
        if pair not in pairs:
            raise OdsFileError(f"{place}: {pair[0]} → {pair[1]} is not a succession in {successions.path.name}")
        if pair not in result.date_of:
            summary.skip("division", OUT_OF_SCOPE, f"{share.sub_icb} → {share.successor_sub_icb} ({place})")
            continue
        _check_share_known(share, place, lookup, lookup_icbs)
        result.shares.setdefault(share.sub_icb, []).append(share)
    _imply_whole_shares(result, in_scope, summary)

    for sub_icb, shares in result.shares.items():
        if all(share.successor_sub_icb != sub_icb for share in shares):
            result.divided[sub_icb] = result.share_date(shares[0])
            for share in shares:
                result.came_from.setdefault(share.successor_sub_icb, sub_icb)
        for share in shares:
            if share.new_sub_icb:
                if not share.successor_sub_icb_name and share.successor_sub_icb not in lookup.locations:
                    raise OdsFileError(
                        f"{where(division.path, row=share.row)}: the new sub-ICB location "
                        f"{share.successor_sub_icb} needs its name (successor_sub_icb_name)"
                    )
                result.new_places.setdefault(share.successor_sub_icb, share)
            elif share.successor_sub_icb not in result.shares:
                result.receiving.setdefault(share.successor_sub_icb, share)
    if units is not None:
        _check_units(result, units, division, summary)
    _check_lookup(result)
    return result


def _check_share_known(share: SubIcbShare, place: str, lookup: Lookup, lookup_icbs: set[str]) -> None:
    """A division row's sub-ICB location is one the lookup puts in its predecessor ICB (no phantom places).

    Only where the lookup describes the predecessor: a lookup of after the succession no longer names it.
    """
    if share.predecessor_icb not in lookup_icbs:
        return
    location = lookup.locations.get(share.sub_icb)
    if location is None:
        raise OdsFileError(f"{place}: sub-ICB location {share.sub_icb} is not in {lookup.path.name}")
    if location.icb_code != share.predecessor_icb:
        raise OdsFileError(
            f"{place}: sub-ICB location {share.sub_icb} is in {location.icb_code} in {lookup.path.name}, "
            f"not in {share.predecessor_icb}"
        )


def _imply_whole_shares(result: Reorganisation, in_scope: list[SuccessionRecord], summary) -> None:
    """A sub-ICB location of a closed ICB that no division row names goes whole to the ICB's one successor."""
    successors = defaultdict(list)
    for succession in in_scope:
        successors[succession.predecessor].append(succession.successor)
    for location in result.lookup.locations.values():
        if location.icb_code not in result.closing or location.code in result.shares:
            continue
        went = successors[location.icb_code]
        if len(went) != 1:
            summary.anomaly("not_divided", f"sub-ICB {location.code} ({location.icb_code} → {', '.join(went)})")
            continue
        result.shares[location.code] = [
            SubIcbShare(
                row=0,  # not a row of the division: the rule of a single successor
                sub_icb=location.code,
                sub_icb_name=location.name,
                predecessor_icb=location.icb_code,
                successor_icb=went[0],
                successor_sub_icb=location.code,
                successor_sub_icb_name=location.name,
                basis="the ICB's one successor",
            )
        ]


def _check_units(result: Reorganisation, units: UnitDivision, division: SubIcbDivision, summary) -> None:
    """Each PCN and practice row names a divided sub-ICB location and one of the places it went to.

    A row of a sub-ICB location that only a division row out of scope names (its ICBs not in the
    lookup) is skipped like that row; one of a sub-ICB location the lookup names that is not
    divided, or that neither the lookup nor the division names, is refused (OdsFileError naming
    file and row).
    """
    out_of_scope = {share.sub_icb for share in division.shares}
    for share in [*units.pcns.values(), *units.practices.values()]:
        place = where(units.path, row=share.row)
        if share.sub_icb not in result.shares:
            if share.sub_icb in result.lookup.locations:
                raise OdsFileError(
                    f"{place}: {share.sub_icb} is not divided (no row of {division.path.name} divides it)"
                )
            if share.sub_icb not in out_of_scope:
                raise OdsFileError(
                    f"{place}: sub-ICB location {share.sub_icb} is in neither the lookup nor the division"
                )
            summary.skip("division", OUT_OF_SCOPE, f"{share.unit} {share.code} ({place})")
            continue
        if share.sub_icb not in result.divided:
            raise OdsFileError(f"{place}: {share.sub_icb} is not divided: it goes whole to its successor")
        if share.successor_sub_icb not in result.successors_of(share.sub_icb):
            went = ", ".join(sorted(result.successors_of(share.sub_icb)))
            raise OdsFileError(f"{place}: {share.sub_icb} went to {went}, not to {share.successor_sub_icb}")


def _check_lookup(result: Reorganisation) -> None:
    """The lookup agrees with the division on the day it describes."""
    lookup = result.lookup
    for location in lookup.locations.values():
        expected = result.icb_on(location.code, lookup.as_at, location.icb_code)
        if expected != location.icb_code:
            said = f"in {expected}" if expected else "not open"
            raise OdsFileError(
                f"{where(lookup.path, row=location.row)}: {location.code} is in {location.icb_code} as at "
                f"{lookup.as_at}, but the successions and division say it was {said} that day"
            )


# --- memberships --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Membership:
    """A practice in a PCN from ``start`` to ``end`` (inclusive; None: open)."""

    pcn: str
    start: datetime.date | None
    end: datetime.date | None
    row: int


def _later(*days):
    known = [day for day in days if day is not None]
    return max(known) if known else None


def _earlier(*days):
    known = [day for day in days if day is not None]
    return min(known) if known else None


def _overlaps(earlier: Membership, later: Membership) -> bool:
    """Whether two memberships share a day."""
    return Period(earlier.start, earlier.end).overlaps(Period(later.start, later.end))


def _membership_row(epcn: Epcn, record) -> str:
    """A membership as the report names it: "A81001 in U12345 (ePCN.xlsx, sheet …, row 9)"."""
    return f"{record.practice} in {record.pcn} ({where(epcn.path, sheet=MEMBER_SHEET, row=record.row)})"


def resolve_memberships(
    epcn: Epcn,
    practices: dict[str, tuple[datetime.date | None, datetime.date | None]],
    pcns: dict[str, tuple[datetime.date | None, datetime.date | None]],
    not_imported: Callable[[str], str],
    summary,
) -> dict[str, list[Membership]]:
    """Practice code → its memberships, every one the workbook has (ended ones too), in order of start.

    ``practices`` and ``pcns`` give the (opened, closed) of those imported: a membership of
    any other is dropped and counted (``not_imported(code)`` says why, for a current one).
    Each is clipped to its practice's and PCN's dates; where two of a practice overlap, the
    later start wins (on the same start, the one ending later) and the other ends the day
    before — noted as an anomaly, never refused.
    """
    found: dict[str, list[Membership]] = defaultdict(list)
    for record in epcn.memberships:
        if record.practice not in practices:
            summary.skip("membership", "practice not imported", _membership_row(epcn, record))
            if record.end is None:
                summary.anomaly(
                    "member_not_practice", f"{record.practice} ({not_imported(record.practice)}) in {record.pcn}"
                )
            continue
        if record.pcn not in pcns:
            summary.skip("membership", "PCN not imported", _membership_row(epcn, record))
            continue
        (p_opened, p_closed), (n_opened, n_closed) = practices[record.practice], pcns[record.pcn]
        start, end = _later(record.start, p_opened, n_opened), _earlier(record.end, p_closed, n_closed)
        if end is not None and start is not None and end < start:
            summary.skip("membership", "outside its practice's or PCN's dates", _membership_row(epcn, record))
            continue
        if end != record.end:
            summary.anomaly("membership_clipped", f"{record.practice} in {record.pcn}: ends {end}")
        found[record.practice].append(Membership(record.pcn, start, end, record.row))
    resolved = {}
    for practice, memberships in found.items():
        memberships.sort(key=lambda m: (m.start or datetime.date.min, m.end or datetime.date.max, m.pcn))
        kept: list[Membership] = []
        for membership in memberships:
            for i, earlier in enumerate(kept):
                if earlier is None or not (
                    earlier.end is None or membership.start is None or earlier.end >= membership.start
                ):
                    continue
                end = membership.start - ONE_DAY if membership.start else None
                cut = replace(earlier, end=end)
                kept[i] = None if end is None or (cut.start is not None and end < cut.start) else cut
                outcome = f"ends {end}" if kept[i] else "dropped"
                summary.anomaly(
                    "membership_overlap",
                    f"{practice}: {earlier.pcn} (from {earlier.start}) {outcome}, as {membership.pcn} starts "
                    f"{membership.start}",
                )
            kept.append(membership)
        resolved[practice] = [m for m in kept if m is not None]
    return resolved
