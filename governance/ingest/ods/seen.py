"""What a snapshot adds to the dated files (join stage): memberships and PCNs first seen on its day, names of
their dates, registered patients.

A snapshot (``publication.PracticeMap``) shows each practice's PCN on one day, without saying
since when. A membership it shows that differs from the one the dated files give on that day
starts on the snapshot's day and the one before ends the day before, both ends not exact (the
change happened on or before the snapshot's day, after the earlier file last showed the
practice). A PCN the dated files do not know is kept from the snapshot's day, run from the
sub-ICB location of most of its practices there. Must not read the database nor write.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from governance.ingest.ods.files import where
from governance.ingest.ods.publication import Patients, PracticeMap, Renames
from governance.ingest.ods.timeline import ONE_DAY, SOURCE_LENGTH, Segment, segment_on, source_of
from governance.models import Kind, OrganisationName, RegisteredPatients, Relation

NAME_LENGTH = OrganisationName._meta.get_field("name").max_length
PATIENTS_SOURCE = (
    "NHS England Digital, Patients Registered at a GP Practice ({day:%B %Y}): {file} (Open Government Licence v3.0)"
)
PATIENTS_SOURCE_LENGTH = RegisteredPatients._meta.get_field("source").max_length


@dataclass(frozen=True, slots=True)
class WantedName:
    """A name an organisation bore from ``start`` to ``end``; by code."""

    code: str
    name: str
    start: datetime.date | None
    end: datetime.date | None
    source: str


def apply_snapshot(practice_map: PracticeMap, segments: dict, units: dict, new_unit, summary) -> None:
    """Add to ``segments`` the memberships (and PCNs) ``practice_map`` first shows, as the module says.

    ``units``: code → the join's ``Unit`` of the practices, PCNs and places kept; ``new_unit(kind,
    code, name, place)`` makes a PCN's unit (added to ``units`` here).
    """
    day = practice_map.day
    source = source_of(practice_map.path, day)
    new_pcns: dict[str, Counter] = defaultdict(Counter)
    for row in practice_map.practices.values():
        practice = units.get(row.practice)
        if practice is None or practice.kind != Kind.PRACTICE or not practice.open_on(day):
            summary.skip("snapshot", "practice not imported or not open that day", _map_row(practice_map, row))
            continue
        pcn = units.get(row.pcn) if row.pcn else None
        if row.pcn is None:
            pass
        elif pcn is None:
            if row.sub_icb not in units:
                summary.skip("snapshot", "sub-ICB location not imported", _map_row(practice_map, row))
                continue
            new_pcns[row.pcn][row.sub_icb] += 1
            if row.pcn not in units:
                units[row.pcn] = new_unit(Kind.PCN, row.pcn, row.pcn_name, where(practice_map.path, row=row.row))
        elif pcn.kind != Kind.PCN or not pcn.open_on(day):
            summary.anomaly("snapshot_pcn_closed", f"{row.practice} in {row.pcn}")
            continue
        own = segments.get((row.practice, Relation.PCN_MEMBER), [])
        holding = segment_on(own, day)
        if (holding.parent if holding else None) == row.pcn:
            continue
        if any(segment.start is not None and segment.start > day for segment in own):
            summary.anomaly("snapshot_after_dated", row.practice)
            continue
        kept = [segment for segment in own if segment is not holding]
        if holding is not None:
            if holding.start == day:  # the dated files say it changed that very day: theirs is the word
                continue
            kept.append(replace(holding, end=day - ONE_DAY, end_exact=False))
        if row.pcn is not None:
            kept.append(Segment(row.pcn, day, practice.closed, source, start_exact=False))
        segments[row.practice, Relation.PCN_MEMBER] = sorted(kept, key=lambda s: s.start or datetime.date.min)
        if row.pcn is None:
            summary.anomaly("snapshot_left", row.practice)
        else:
            key = "snapshot_moved" if holding is not None else "snapshot_joined"
            summary.anomaly(key, f"{row.practice} → {row.pcn}")
    for code, places in new_pcns.items():
        # Most practices' sub-ICB location, alphabetically on a tie: the snapshot names no lead.
        lead = min(places.items(), key=lambda item: (-item[1], item[0]))[0]
        segments[code, Relation.PCN_SUB_ICB] = [Segment(lead, day, None, source, start_exact=False)]
        summary.anomaly("snapshot_new_pcn", f"{code} ({lead})")


def _map_row(practice_map: PracticeMap, row) -> str:
    return f"{row.practice} ({where(practice_map.path, row=row.row)})"


def official_moves(renames: Renames | None, segments: dict) -> None:
    """A renamed sub-ICB location's move to its new ICB on the renaming day is ODS's word, not icsmap's division:
    the change summary that renames it moves it ("SICBL Changes": its ICB relationship ends the day before and
    the new one starts that day). Its link names the change summary's table as its source."""
    if renames is None:
        return
    source = f"ODS change summary, SICBL Changes ({renames.path.name})"[:SOURCE_LENGTH]
    for rename in renames.renames.values():
        own = segments.get((rename.code, Relation.SUB_ICB_ICB))
        if own:
            segments[rename.code, Relation.SUB_ICB_ICB] = [
                replace(segment, source=source) if segment.start == rename.day else segment for segment in own
            ]


def dated_names(
    renames: Renames | None, practice_map: PracticeMap | None, places: dict[str, str], summary
) -> list[WantedName]:
    """The sub-ICB locations' names before and after their renaming, each from its day.

    The change summary spells names in capitals; where the lookup (before) or the snapshot
    (after) spells the same name, theirs is kept. ``places``: code → name in the lookup, of the places kept;
    the renaming of any other is skipped.
    """
    if renames is None:
        return []
    after = practice_map.sub_icb_names if practice_map is not None else {}
    source = source_of(renames.path, None)
    names = []
    for rename in renames.renames.values():
        if rename.code not in places:
            summary.skip(
                "renaming", "sub-ICB location not imported", f"{rename.code} ({where(renames.path, row=rename.row)})"
            )
            continue
        before = places[rename.code]
        old = before if before.casefold() == rename.old.casefold() else rename.old
        new = after.get(rename.code, "")
        new = new if new.casefold() == rename.new.casefold() else rename.new
        names.append(WantedName(rename.code, old[:NAME_LENGTH], None, rename.day - ONE_DAY, source))
        names.append(WantedName(rename.code, new[:NAME_LENGTH], rename.day, None, source))
    return names


def name_on(names: list[WantedName], day: datetime.date) -> str | None:
    """The name of ``day`` among one organisation's ``names`` (None: none holds)."""
    for name in names:
        if (name.start is None or name.start <= day) and (name.end is None or name.end >= day):
            return name.name
    return None


def patient_rows(patients: Patients | None, region_names: dict[str, str], summary) -> dict[str, dict]:
    """code → the RegisteredPatients fields of each count (a region with its name from ``region_names``).

    The rows the reader did not keep are skipped: the whole file's breakdown by sex and age (its
    totals are kept) and the count of the practices in no PCN (no unit of ours).
    """
    if patients is None:
        return {}
    for reason, (count, rows) in patients.unused.items():
        for number, code in rows:
            summary.skip("patients", reason, f"{code} ({where(patients.path, row=number)})")
        summary.skip_unlisted("patients", reason, count - len(rows))
    source = PATIENTS_SOURCE.format(day=patients.day, file=patients.path.name)[:PATIENTS_SOURCE_LENGTH]
    return {
        code: {
            "unit_type": count.unit_type,
            "ons_code": count.ons_code[:9],
            "name": region_names.get(code, "")[:100],
            "count": count.count,
            "date": patients.day,
            "source": source,
        }
        for code, count in patients.counts.items()
    }
