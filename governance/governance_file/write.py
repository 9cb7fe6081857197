"""The governance file out of the database: what ``load_governance`` reads (DESIGN.md, "The governance file").

Written so that loading it into the database it came from changes nothing, and loading it
into another (or an empty one) gives the same governance: it carries every key the loader
reads that the database holds a value for. It holds what governance keeps: the system's
root and its clusters, every organisation whose ``source`` is governance (boards,
committees, LMCs, places declared in files or by editors), all seats on the system's bodies
with every appointment to them, past and present, and other sources' accounts of their
holders. ODS-imported organisations (PCNs, practices) stay out; a file that names one (a
board under a PCN, a seat representing a PCN) loads where the ODS data is loaded.

On a day (``governance.reading.system_rows.on_day``): the system as it stood that day. The
rows, and their order, are ``governance.reading.system_rows``'s, which Popolo reads too; the
keys and what they mean when left out are the format's (``format``), which the parser reads.
"""

from collections import defaultdict

import yaml

from governance.domain import routes
from governance.governance_file import format
from governance.models import Cluster, Coverage, Kind, Organisation, Source
from governance.reading import system_rows
from governance.reading.system_rows import OnDay, Row


def system_entry(root: Organisation, *, region: bool = True) -> dict:
    """The ``system`` entry of a governance file for the system whose root is ``root``."""
    system = {"code": root.code, "name": root.name}
    if region and root.region:
        system["region"] = root.region
    if root.governance_source:
        system["source"] = root.governance_source
    if root.verified_on:
        system["verified"] = root.verified_on
    if root.illustrative != format.ILLUSTRATIVE:
        system["illustrative"] = root.illustrative
    if root.routes_recorded is not None:
        system["routes"] = routes.file_value(root.routes_recorded)
    return system


def governance_file(root: Organisation, on: OnDay | None = None) -> dict:
    """The governance file of the system whose root is ``root``, as data (dates as ``datetime.date``).

    Four queries, and one more for each of: the top board when it is not among the
    organisations of the day, an LMC's ``covers``, other sources' accounts of a seat's holders
    (``also_reported``), when the system has them. Loading it (``load_governance``) reproduces
    the system's governance; keys at their defaults (``max_holders: 1``, empty ``opened``…) are
    left out. ``on`` a day (``system_rows.on_day``): the system as it stood that day, its
    organisations, their parents and seats that day, the holders and clusters of that day.
    """
    rows = system_rows.organisations(root, on)
    codes = {row.pk: row.code for row in rows}
    data: dict = {"system": system_entry(root)}
    clusters = system_rows.clusters(root, on)
    if clusters:
        data["system"]["clusters"] = [_cluster(cluster) for cluster in clusters]
    if root.top_board_id is not None:
        data["top_board"] = codes.get(root.top_board_id) or Organisation.objects.get(pk=root.top_board_id).code
    covers = _covers(rows)
    data["organisations"] = [
        _organisation(row, codes, covers.get(row.pk)) for row in rows if row.pk != root.pk and _kept(row)
    ]
    seats = system_rows.seats(root, rows, on)
    appointments = system_rows.appointments(root, seats, on)
    reports = system_rows.reports(seats)
    data["seats"] = [_seat(seat, appointments.get(seat["pk"], []), reports.get(seat["pk"], [])) for seat in seats]
    return data


def _cluster(cluster: Cluster) -> dict:
    """A cluster as ``system.clusters`` lists it: ``from`` the day its source states, else ``seen``."""
    entry = {"name": cluster.name, ("from" if cluster.start_known else "seen"): cluster.start}
    if cluster.end:
        entry["to"] = cluster.end
    entry["source"] = cluster.source
    return entry


def _kept(row: Row) -> bool:
    return row.source == Source.GOVERNANCE


def _covers(rows: list[Row]) -> dict[int, list[str]]:
    """The codes each of the system's LMCs covers, sorted (one query, none without an LMC)."""
    lmcs = [row.pk for row in rows if row.kind == Kind.LMC]
    covers: dict[int, list[str]] = defaultdict(list)
    if lmcs:
        for lmc, code in (
            Coverage.objects.filter(lmc__in=lmcs).order_by("covered__code").values_list("lmc_id", "covered__code")
        ):
            covers[lmc].append(code)
    return covers


def _organisation(row: Row, codes: dict[int, str], covers: list[str] | None = None) -> dict:
    entry = {"code": row.code, "name": row.name, "kind": row.kind, "parent": codes[row.parent_id]}
    if row.opened:
        entry["opened"] = row.opened
    if row.closed:
        entry["closed"] = row.closed
    if row.postcode:
        entry["postcode"] = row.postcode
    if row.also_known_as:
        entry["also_known_as"] = row.also_known_as.splitlines()
    if covers:
        entry["covers"] = covers
    if row.governance_source:
        entry["source"] = row.governance_source
    if row.verified_on:
        entry["seen"] = row.verified_on
    if row.kind == Kind.PLACE and row.routes_recorded is not None:
        entry["routes"] = routes.file_value(row.routes_recorded)
    return entry


def _seat(seat: dict, appointments: list[dict], reports: list[dict]) -> dict:
    entry = {"board": seat["body__code"], "label": seat["label"], "role": seat["role"], "selection": seat["selection"]}
    if seat["represents__code"]:
        entry["represents"] = seat["represents__code"]
    if seat["sector"]:
        entry["sector"] = seat["sector"]
    entry["delegate"] = seat["delegate"]
    entry["voting"] = seat["voting"]
    if seat["max_holders"] != format.MAX_HOLDERS:  # keys at their defaults are left out
        entry["max_holders"] = seat["max_holders"]
    if seat["portfolio"]:
        entry["portfolio"] = seat["portfolio"]
    if seat["mental_health"] != format.MENTAL_HEALTH:
        entry["mental_health"] = seat["mental_health"]
    # A seat whose holders are not recorded has no appointments (rules.check_holders_not_recorded).
    entry["holders"] = [_holder(a) for a in appointments] if seat["holders_recorded"] else format.HOLDERS_UNKNOWN
    if reports:
        entry["also_reported"] = [{key: report[key] for key in format.REPORT.all} for report in reports]
    return entry


def _holder(appointment: dict) -> dict:
    holder = {"name": appointment["person__name"]}
    if appointment.get("start_known", True):
        holder["from"] = appointment["start"]
    if appointment.get("seen"):
        holder["seen"] = appointment["seen"]
    if appointment["end"] and appointment.get("end_known", True):  # an implied end is re-derived on loading
        holder["to"] = appointment["end"]
    if appointment["term_ends"]:
        holder["term_ends"] = appointment["term_ends"]
    if appointment["source"]:
        holder["source"] = appointment["source"]
    if appointment.get("acting", format.ACTING) != format.ACTING:
        holder["acting"] = appointment["acting"]
    return holder


class _PlainDumper(yaml.SafeDumper):
    """Writes a value used twice (one date for two organisations) out twice: the loader refuses aliases."""

    def ignore_aliases(self, data):
        return True


def dump_yaml(data: dict, *, made_by: str = "exported by icsmap") -> str:
    """``data`` as YAML in the style of the shipped governance files: one line per organisation and holder.

    PyYAML quotes whatever would read back as another type (``'010'``, ``'yes'``), and
    dates are written as YAML dates, which the loader reads as dates. ``made_by`` goes in
    the first line's comment.
    """
    code = data.get("system", {}).get("code", "a system")
    header = f"# Governance of {code}, {made_by}; load with manage.py load_governance.\n"
    return header + yaml.dump(
        data, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, default_flow_style=None, width=2**16
    )
