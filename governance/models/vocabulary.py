"""Every vocabulary of the domain in one place: kinds, relations, roles, sectors and the rest.

Each is a ``TextChoices`` (value and label); templates, the timeline, the API schema and the
loaders read them from here, never spell them again. ``KIND_NOUNS`` says each kind in running
text, one and many.
"""

from django.db import models


class Kind(models.TextChoices):
    ICB = "icb", "Integrated care board"
    ICP = "icp", "Integrated care partnership"
    PLACE = "place", "Place"
    PCN = "pcn", "Primary care network"
    PRACTICE = "practice", "GP practice"
    BOARD = "board", "Board"
    COMMITTEE = "committee", "Committee"
    COLLABORATIVE = "collaborative", "Provider collaborative"
    FEDERATION = "federation", "GP federation"
    LMC = "lmc", "Local medical committee"
    TRUST = "trust", "NHS trust"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    OTHER = "other", "Other"


# Units contain each other; bodies govern the unit they sit under, or report to
# the body above them.
BODY_KINDS = frozenset({Kind.BOARD, Kind.COMMITTEE, Kind.ICP})
UNIT_KINDS = frozenset(set(Kind) - BODY_KINDS)

# How a count of each kind is said in running text (one, many): "3 PCNs", "1 practice".
KIND_NOUNS: dict[str, tuple[str, str]] = {
    Kind.PLACE: ("place", "places"),
    Kind.PCN: ("PCN", "PCNs"),
    Kind.PRACTICE: ("practice", "practices"),
    Kind.ICB: ("ICB", "ICBs"),
    Kind.BOARD: ("board", "boards"),
    Kind.COMMITTEE: ("committee", "committees"),
    Kind.ICP: ("integrated care partnership", "integrated care partnerships"),
    Kind.COLLABORATIVE: ("provider collaborative", "provider collaboratives"),
    Kind.FEDERATION: ("GP federation", "GP federations"),
    Kind.LMC: ("local medical committee", "local medical committees"),
    Kind.TRUST: ("NHS trust", "NHS trusts"),
    Kind.LOCAL_AUTHORITY: ("local authority", "local authorities"),
    Kind.OTHER: ("other organisation", "other organisations"),
}


def kind_count(kind: str, n: int) -> str:
    """``n`` organisations of ``kind`` in words: "1 practice", "3 PCNs"."""
    singular, plural = KIND_NOUNS[kind]
    return f"{n} {singular if n == 1 else plural}"


class Source(models.TextChoices):
    ODS = "ods", "ODS import"
    GOVERNANCE = "governance", "Governance file or editor"


class Relation(models.TextChoices):
    """What a dated link between two units says (DESIGN.md, "Time")."""

    PCN_MEMBER = "pcn_member", "Practice is a member of a PCN"
    PRACTICE_SUB_ICB = "practice_sub_icb", "Practice belongs to a sub-ICB location"
    PCN_SUB_ICB = "pcn_sub_icb", "PCN is run from a sub-ICB location"
    SUB_ICB_ICB = "sub_icb_icb", "Sub-ICB location is part of an ICB"


# Which links make a unit's parent unit on a day, best first: a practice sits in its PCN when
# it has one that is open that day, else in its sub-ICB location.
PARENT_RELATIONS: dict[str, tuple[str, ...]] = {
    Kind.PRACTICE: (Relation.PCN_MEMBER, Relation.PRACTICE_SUB_ICB),
    Kind.PCN: (Relation.PCN_SUB_ICB,),
    Kind.PLACE: (Relation.SUB_ICB_ICB,),
}
# The kind of child and of parent each relation links.
RELATION_KINDS: dict[str, tuple[str, str]] = {
    Relation.PCN_MEMBER: (Kind.PRACTICE, Kind.PCN),
    Relation.PRACTICE_SUB_ICB: (Kind.PRACTICE, Kind.PLACE),
    Relation.PCN_SUB_ICB: (Kind.PCN, Kind.PLACE),
    Relation.SUB_ICB_ICB: (Kind.PLACE, Kind.ICB),
}


class SuccessionType(models.TextChoices):
    MERGER = "merger", "Merger"
    SPLIT = "split", "Split"
    ACQUISITION = "acquisition", "Acquisition"


# What an LMC's footprint is made of: the places, PCNs and practices it covers (and, through
# a place or PCN, the practices under it). See governance.reading.lmc.
COVERED_KINDS = frozenset({Kind.PLACE, Kind.PCN, Kind.PRACTICE})


class Role(models.TextChoices):
    CHAIR = "chair", "Chair"
    CHIEF_EXECUTIVE = "chief_executive", "Chief executive"
    EXECUTIVE = "executive", "Executive member"
    NON_EXECUTIVE = "non_executive", "Non-executive member"
    PARTNER_MEMBER = "partner_member", "Partner member"
    MEMBER = "member", "Member"
    REPRESENTATIVE = "representative", "Representative"
    PARTICIPANT = "participant", "Participant (non-member)"


class Sector(models.TextChoices):
    GENERAL_PRACTICE = "general_practice", "General practice"
    NHS_TRUSTS = "nhs_trusts", "NHS trusts and foundation trusts"
    LOCAL_AUTHORITY = "local_authority", "Local authorities"
    MENTAL_HEALTH = "mental_health", "Mental health"
    VCSE = "vcse", "Voluntary, community and social enterprise"
    PUBLIC = "public", "Public"
    OTHER = "other", "Other"


class Portfolio(models.TextChoices):
    """What an executive seat is for: the statutory composition check tells the directors apart by it."""

    FINANCE = "finance", "Finance"
    MEDICAL = "medical", "Medical"
    NURSING = "nursing", "Nursing"
    OTHER = "other", "Other"


class Selection(models.TextChoices):
    ELECTED = "elected", "Elected"
    NOMINATED = "nominated", "Nominated"
    APPOINTED = "appointed", "Appointed"
    EX_OFFICIO = "ex_officio", "Ex officio"


class DatasetRole(models.TextChoices):
    PRACTICES = "practices", "GP practices (epraccur)"
    PCNS = "pcns", "PCNs and their memberships (ePCN)"
    LOOKUP = "lookup", "Sub-ICB locations, ICBs and regions (ONS lookup)"
    SUCCESSIONS = "successions", "ICB successions"
    DIVISION = "division", "How divided ICBs were shared out"
    SNAPSHOT = "snapshot", "Practices in PCNs on one day (practice → PCN → sub-ICB location map)"
    PATIENTS = "patients", "Registered patients"
    NAMES = "names", "Names of sub-ICB locations before and after a renaming"


class SuggestionStatus(models.TextChoices):
    NEW = "new", "Waiting for review"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
