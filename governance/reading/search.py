"""What a search box's text means, and how well each organisation matches it: one home for both rules.

Typing rules (``read``):

- Spaces are collapsed and case is ignored; punctuation that separates words in names
  (``WORD_BREAKS``) separates typed words too.
- A **postcode**, full or partial, any case and spacing: ``bl12aa`` and ``BL1 2AA`` are the
  full postcode ``BL1 2AA`` (its sector is ``BL1 2``, its district ``BL1``); ``bl1 2`` is
  the sector ``BL1 2``; ``BL1`` is the district ``BL1`` (never ``BL11``). A full postcode
  or a sector finds the practices whose own postcode is in the same **sector**, or, when
  that sector has none, in the same **district** (``postcode_area``). Practices' own
  postcodes only: no external service.
- Typed words match **whole words** of a name or of one of its usual names
  (``also_known_as``: "Kent LMC"): "LMC" never finds "HOLMCROFT", "Kent" never "Kentish Town".
- ``LMC``/``LMCs`` (as a word of the query) stands for the kind: it matches any local
  medical committee, whatever its name says ("Greater Manchester Local Medical Committees"),
  and reads as "Local Medical Committee(s)" when names are compared ("Kent LMC" is a name
  beginning with the words for Kent Local Medical Committee).

Ranking rules (``search_organisations``), best first:

1. **Closeness**: the exact code; the exact postcode; a postcode in the same sector, then
   in the same district; the exact name (or usual name); an **ICB** whose name has the typed
   words (people typing a county look for its system first: "Essex" → NHS Essex before Essex
   partnerships and practices); a name beginning with the typed words; a name with the typed
   words together anywhere; a name with every typed word somewhere.
2. Open on the date before closed.
3. **Kind**: ICB; place; LMC, board, committee or partnership; PCN; practice and the rest.
4. Name, then code.

So "Kent" answers NHS Kent and Medway Integrated Care Board (an ICB) before Mid Kent PCN,
and never Kentish Town Central PCN.
"""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Concat, Lower, Replace

from governance.domain.england import Structure
from governance.domain.lookups import can_match
from governance.models import Kind, Organisation
from governance.reading import as_of, successions

SEARCH_LIMIT = 50

# Closeness, best first (a result's ``rank``).
(
    EXACT_CODE,
    EXACT_POSTCODE,
    POSTCODE_SECTOR,
    POSTCODE_DISTRICT,
    EXACT_NAME,
    ICB_NAME,
    NAME_PREFIX,
    NAME_WORD,
    NAME_CONTAINS,
) = range(9)
CLOSENESS = {
    EXACT_CODE: "code",
    EXACT_POSTCODE: "postcode",
    POSTCODE_SECTOR: "postcode_sector",
    POSTCODE_DISTRICT: "postcode_district",
    EXACT_NAME: "name",
    ICB_NAME: "icb_name",
    NAME_PREFIX: "name_prefix",
    NAME_WORD: "name_word",
    NAME_CONTAINS: "name_contains",
}
# Among equally close matches: the bodies people look for by name first, practices last.
KIND_RANK = {
    Kind.ICB: 0,
    Kind.PLACE: 1,
    Kind.LMC: 2,
    Kind.BOARD: 2,
    Kind.COMMITTEE: 2,
    Kind.ICP: 2,
    Kind.PCN: 3,
}
OTHER_KINDS_RANK = 4
# Words that stand for a kind rather than for part of a name.
KIND_WORDS = {"lmc": Kind.LMC, "lmcs": Kind.LMC}
# What those words stand for when names are compared ("Kent LMC" → "Kent Local Medical Committee").
SPELT_OUT = {"lmc": "local medical committee", "lmcs": "local medical committees"}
# Punctuation that separates words in names ("Heywood, Middleton and Rochdale", "DEAL & SANDWICH").
WORD_BREAKS = (",", "(", ")", "-", "/", ".")

_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_FULL = re.compile(rf"^({_OUTWARD})([0-9][A-Z]{{2}})$")
_DISTRICT = re.compile(rf"^{_OUTWARD}$")
_INWARD_START = re.compile(r"^[0-9][A-Z]{0,1}$")


@dataclass(frozen=True)
class Postcode:
    """A postcode as typed: the full postcode if given, its sector if known, and its district."""

    full: str | None
    sector: str | None
    district: str


@dataclass(frozen=True)
class Typed:
    """What was typed: the text (spaces collapsed), its words, and the postcode it is, if it is one."""

    text: str
    words: tuple[str, ...]
    postcode: Postcode | None


def read_postcode(text: str) -> Postcode | None:
    """``text`` as a full postcode, a sector or a district (any case and spacing), or None."""
    parts = text.upper().split()
    compact = "".join(parts)
    full = _FULL.match(compact)
    if full:
        outward, inward = full.groups()
        return Postcode(f"{outward} {inward}", f"{outward} {inward[0]}", outward)
    if len(parts) == 1 and _DISTRICT.match(compact):
        return Postcode(None, None, compact)
    if len(parts) == 2 and _DISTRICT.match(parts[0]) and _INWARD_START.match(parts[1]):
        return Postcode(None, f"{parts[0]} {parts[1][0]}", parts[0])
    return None


def read(text: str) -> Typed:
    """The typing rules of the module docstring, applied to a search box's ``text``."""
    text = " ".join(text.split())
    words = text.lower()
    for mark in WORD_BREAKS:
        words = words.replace(mark, " ")
    return Typed(text, tuple(words.split()), read_postcode(text) if text else None)


def postcode_area(postcode: Postcode) -> tuple[Q, str]:
    """Organisations whose postcode is in ``postcode``'s sector, else its district; and which it was.

    One query (whether the sector has any) when a sector is known.
    """
    district = Q(postcode__startswith=f"{postcode.district} ")
    if postcode.sector:
        sector = Q(postcode__startswith=postcode.sector)
        if Organisation.objects.filter(sector).exists():
            return sector, "sector"
    return district, "district"


def _words_match(words) -> Q:
    """Every word a whole word of the name or a usual name (``_names``), a kind word matching its kind too.

    No words (punctuation only) match nothing."""
    if not words:
        return Q(pk__in=[])
    match = Q()
    for word in words:
        word_match = Q(searched_names__contains=f" {word} ")
        if word in KIND_WORDS:
            word_match |= Q(kind=KIND_WORDS[word])
        match &= word_match
    return match


def _names():
    """The name and usual names in lower case, word-breaking punctuation as spaces: ``| name | short name |``.

    So a whole word is `` word `` and a name beginning with a phrase is ``| phrase ``.
    """
    text = TextField()  # the name is a CharField, the usual names a TextField: one type for the whole
    names = Concat(
        Value("| ", output_field=text),
        Lower("name", output_field=text),
        Value(" | ", output_field=text),
        Replace(Lower("also_known_as"), Value("\n", output_field=text), Value(" | ", output_field=text)),
        Value(" |", output_field=text),
        output_field=text,
    )
    for mark in WORD_BREAKS:
        names = Replace(names, Value(mark, output_field=text), Value(" ", output_field=text), output_field=text)
    return names


def _phrases(words) -> set[str]:
    """The typed words as a phrase, and again with LMC spelt out."""
    return {" ".join(words), " ".join(SPELT_OUT.get(word, word) for word in words)}


def loose_match(queryset, text: str):
    """The API's ``q`` on ``queryset``: part of the code, every typed word a whole word of a name (or a kind
    word), or a postcode's sector (else district)."""
    typed = read(text)
    match = Q(code__icontains=typed.text) | _words_match(typed.words)
    if typed.postcode:
        match |= postcode_area(typed.postcode)[0]
    return queryset.annotate(searched_names=_names()).filter(match)


def search_organisations(
    text: str, date: datetime.date, limit: int = SEARCH_LIMIT, *, version: str | None = None
) -> tuple[list[dict], bool]:
    """Organisations matching ``text``, ranked by the rules of the module docstring; and whether more matched.

    One query (two for a postcode's sector, one more when an organisation found had closed
    by ``date``) beyond England's structure (``as_of``, remembered per data ``version``). Each
    result: ``code name kind kind_label postcode open opened closed parent system rank match
    successors`` (``name``: its name of ``date``, ``Structure.name_on``; ``match``: how it matched, a value of
    ``CLOSENESS``; ``parent`` and ``system`` (``code``, ``name``): those of ``date``, ``_placed``; ``successors``:
    a closed organisation's,
    as ``governance.reading.successions`` gives them).
    """
    typed = read(text)
    if not typed.text or not can_match(typed.text):
        return [], False
    codes = {typed.text, typed.text.upper(), typed.text.lower()}
    phrases = _phrases(typed.words)
    matches = Q(code__in=codes) | _words_match(typed.words)
    rank = [When(code__in=codes, then=Value(EXACT_CODE))]
    if typed.postcode:
        area, which = postcode_area(typed.postcode)
        matches |= area
        if typed.postcode.full:
            matches |= Q(postcode=typed.postcode.full)
            rank.append(When(postcode=typed.postcode.full, then=Value(EXACT_POSTCODE)))
        rank.append(When(area, then=Value(POSTCODE_SECTOR if which == "sector" else POSTCODE_DISTRICT)))
    if typed.words:
        rank += [
            When(name__iexact=typed.text, then=Value(EXACT_NAME)),
            *(When(searched_names__contains=f"| {phrase} |", then=Value(EXACT_NAME)) for phrase in phrases),
            When(kind=Kind.ICB, then=Value(ICB_NAME)),  # every word matched: `matches`
            *(When(searched_names__contains=f"| {phrase} ", then=Value(NAME_PREFIX)) for phrase in phrases),
            *(When(searched_names__contains=f" {phrase} ", then=Value(NAME_WORD)) for phrase in phrases),
        ]
    rows = (
        Organisation.objects.annotate(searched_names=_names())
        .filter(matches)
        .annotate(
            rank=Case(*rank, default=Value(NAME_CONTAINS), output_field=IntegerField()),
            shut=Case(
                When(Organisation.objects.open_condition(date), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            kind_rank=Case(
                *(When(kind=kind, then=Value(n)) for kind, n in KIND_RANK.items()),
                default=Value(OTHER_KINDS_RANK),
                output_field=IntegerField(),
            ),
            sort_name=Lower("name"),
        )
        .order_by("rank", "shut", "kind_rank", "sort_name", "code")[: limit + 1]
    )
    rows = list(rows)
    # A closed organisation names its successors (one more query, only when one is closed).
    closed = [org.pk for org in rows if org.closed is not None and org.closed < date]
    lineage = successions.lineages(closed) if closed else {}
    structure = as_of.england(version)
    if any(org.pk not in structure.units for org in rows):  # written since this process read that version
        structure = as_of.england()
    results = [
        {
            "code": org.code,
            "name": structure.name_on(org.pk, date),
            "kind": org.kind,
            "kind_label": org.get_kind_display(),
            "postcode": org.postcode,
            "open": not org.shut,
            "opened": org.opened,
            "closed": org.closed,
            **_placed(structure, org.pk, date),
            "rank": org.rank,
            "match": CLOSENESS[org.rank],
            "successors": lineage[org.pk]["successors"] if org.pk in lineage else [],
        }
        for org in rows
    ]
    return results[:limit], len(results) > limit


def _placed(structure: Structure, pk: int, date: datetime.date) -> dict:
    """Where ``pk`` was on ``date`` (on its last day if closed by then): its parent and its system, if any,
    named as of that day. A system (an ICB) is in none but itself, so its ``system`` is None.
    """
    parent, system = structure.placed_on(pk, date)
    day = structure.day_seen(pk, date)

    def named(other: int) -> dict:
        return {"code": structure.units[other].code, "name": structure.name_on(other, day)}

    return {
        "parent": named(parent) if parent is not None else None,
        "system": named(system) if system not in (None, pk) else None,
    }


def postcode_summary(text: str, results: list[dict]) -> dict | None:
    """For a postcode search: the area searched and the systems its practices are in (no queries).

    ``{"postcode": Postcode, "area": "sector"|"district"|None, "systems": [{"code", "name",
    "practices"}]}``; None when ``text`` is not a postcode.
    """
    postcode = read(text).postcode
    if postcode is None:
        return None
    found = [r for r in results if r["match"] in ("postcode", "postcode_sector", "postcode_district")]
    area = None
    if any(r["match"] == "postcode_district" for r in found):
        area = "district"
    elif found:
        area = "sector"
    systems: dict[str, dict] = {}
    for row in found:
        if row["system"]:
            entry = systems.setdefault(row["system"]["code"], {**row["system"], "practices": 0})
            entry["practices"] += row["kind"] == Kind.PRACTICE
    return {"postcode": postcode, "area": area, "systems": sorted(systems.values(), key=lambda s: s["name"])}
