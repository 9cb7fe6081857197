"""The governance of an Integrated Care System, as data.

Organisation is an MPTT node, one tree per system (the ICB is the root). Seats
are posts on bodies, apart from the people who hold them (Popolo's Post);
Appointments are dated memberships of a Person in a Seat.

Structural writes (create, move, delete of an Organisation) go through
``governance.domain.tree``, never straight through ``save()``: django-mptt takes no locks.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet
from simple_history.models import HistoricalRecords

# History (django-simple-history) keeps what people decide, not caches: never MPTT's tree
# numbers (a move elsewhere renumbers thousands of rows) nor ``updated_at`` (the history
# row has its own time). See governance/history.py.
MPTT_FIELDS = ["lft", "rght", "tree_id", "level"]


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


# What an organisation code may contain: ODS codes (QOP, 00T, U12345, P84001) and slugs
# (qop-board). Codes go whole into URLs (/organisations/<code>/, the API's lookups) and
# file names, so nothing that a URL or a file name would read as a separator or escape.
CODE_LENGTH = 64
CODE_PATTERN = rf"^[A-Za-z0-9][A-Za-z0-9-]{{0,{CODE_LENGTH - 1}}}$"
CODE_RULE = (
    f"a code is 1 to {CODE_LENGTH} characters: letters A-Z or a-z, digits 0-9 and hyphens (-), "
    "starting with a letter or digit"
)
_CODE = re.compile(CODE_PATTERN)


def code_problem(code: str) -> str | None:
    """Why ``code`` is not an organisation code, as a sentence; None when it is one."""
    if isinstance(code, str) and _CODE.fullmatch(code):  # fullmatch: "$" alone would allow a final newline
        return None
    return f"{code!r} is not an organisation code: {CODE_RULE}."


def validate_code(code: str) -> None:
    """The code rule as a Django validator (forms show it under the field)."""
    problem = code_problem(code)
    if problem:
        raise ValidationError(problem, code="invalid_code")


class Source(models.TextChoices):
    ODS = "ods", "ODS import"
    GOVERNANCE = "governance", "Governance file or editor"


class OrganisationQuerySet(TreeQuerySet):
    """Organisations by date. A TreeQuerySet, so ``get_children()`` and the tree methods keep these too."""

    @staticmethod
    def open_condition(date: datetime.date) -> Q:
        """Open on ``date``: opened on or before it (or not known), and not closed before it.

        Both ends are inclusive: ``closed`` is the last day open. ``Organisation.is_active_on``
        is the same rule for one row in memory.
        """
        return (Q(opened__isnull=True) | Q(opened__lte=date)) & (Q(closed__isnull=True) | Q(closed__gte=date))

    def open_on(self, date: datetime.date) -> "OrganisationQuerySet":
        """Those open on ``date``."""
        return self.filter(self.open_condition(date))

    def not_open_on(self, date: datetime.date) -> "OrganisationQuerySet":
        """Those closed, or not yet opened, on ``date``."""
        return self.exclude(self.open_condition(date))


class Organisation(MPTTModel):
    code = models.CharField(
        max_length=CODE_LENGTH,
        unique=True,
        validators=[validate_code],
        help_text="Stable key: the ODS code for NHS organisations (e.g. QOP, 00T, U12345, P84001), "
        "a slug for bodies that have none (e.g. qop-board). Letters, digits and hyphens only.",
    )
    name = models.CharField(max_length=255, help_text="Name as published.")
    kind = models.CharField(max_length=20, choices=Kind.choices, help_text="What sort of organisation or body this is.")
    parent = TreeForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The unit it belongs to, or the body it reports to. Empty only for an ICB (a system's root).",
    )
    sub_icb = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_practices",
        help_text="A practice's own sub-ICB location, which may differ from its PCN's.",
    )
    opened = models.DateField(null=True, blank=True, help_text="First day it existed, if known.")
    closed = models.DateField(null=True, blank=True, help_text="Day it closed; empty while open.")
    postcode = models.CharField(max_length=10, blank=True, help_text="Postcode (practices).")
    region = models.CharField(max_length=64, blank=True, help_text="NHS England region (on ICBs).")
    governance_source = models.CharField(
        max_length=500,
        blank=True,
        help_text="On an ICB: where its boards' holders were taken from (a link or a citation).",
    )
    verified_on = models.DateField(
        null=True, blank=True, help_text="On an ICB: the day its holders were last checked against that source."
    )
    illustrative = models.BooleanField(
        default=False,
        help_text="On an ICB: its holders are invented demo content, not real people. Every page showing them says so.",
    )
    top_board = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="On an ICB: the board at the top of its system, where representation paths end.",
    )
    source = models.CharField(
        max_length=12,
        choices=Source.choices,
        default=Source.GOVERNANCE,
        help_text="Who keeps this row: the ODS import, or governance (files and editors). "
        "The import never changes rows that governance keeps.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=[*MPTT_FIELDS, "updated_at"])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["tree_id", "lft"], name="organisation_tree_lft"),
            models.Index(fields=["kind"], name="organisation_kind"),
            models.Index(fields=["name"], name="organisation_name"),
            models.Index(fields=["postcode"], name="organisation_postcode"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed__isnull=True) | Q(opened__isnull=True) | Q(closed__gte=F("opened")),
                name="organisation_closed_after_opened",
            ),
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in Kind]), name="organisation_kind_valid"),
            models.CheckConstraint(condition=~Q(code=""), name="organisation_code_not_empty"),
            models.CheckConstraint(condition=Q(code__regex=CODE_PATTERN), name="organisation_code_format"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def is_body(self) -> bool:
        return self.kind in BODY_KINDS

    def is_active_on(self, date: datetime.date) -> bool:
        """Open on ``date``: opened on or before it, and not closed before it (``objects.open_on`` in SQL)."""
        return (self.opened is None or self.opened <= date) and (self.closed is None or self.closed >= date)


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


class LinkQuerySet(models.QuerySet):
    """Links by date."""

    @staticmethod
    def current_condition(date: datetime.date) -> Q:
        """In force on ``date``: started on or before it (or since the start of the record), not ended before it.

        Both ends are inclusive: ``end`` is the last day of the link. ``Link.is_current_on``
        is the same rule for one row in memory.
        """
        return (Q(start__isnull=True) | Q(start__lte=date)) & (Q(end__isnull=True) | Q(end__gte=date))

    def current_on(self, date: datetime.date) -> "LinkQuerySet":
        """Those in force on ``date``."""
        return self.filter(self.current_condition(date))


class Link(models.Model):
    """A unit belonging to another from ``start`` to ``end``: practice → PCN, PCN → sub-ICB, and so on.

    Popolo's dated Membership, ODS's dated relationships. A unit has at most one link of a
    relation on any day (``governance.domain.links``). The tree (``parent``) is today's
    links; the past is drawn from these.
    """

    child = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="links_up", help_text="The unit that belongs."
    )
    parent = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="links_down", help_text="The unit it belongs to."
    )
    relation = models.CharField(max_length=20, choices=Relation.choices, help_text="What the link says.")
    start = models.DateField(
        null=True, blank=True, help_text="First day of the link; empty: since before the records begin."
    )
    end = models.DateField(null=True, blank=True, help_text="Last day of the link; empty while it holds.")
    source = models.CharField(
        max_length=200, blank=True, help_text="Where it was read: the file (and its data date) or the rule it follows."
    )
    history = HistoricalRecords()

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["child_id", "relation", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                name="link_end_not_before_start",
            ),
            models.CheckConstraint(condition=Q(relation__in=[r.value for r in Relation]), name="link_relation_valid"),
            models.CheckConstraint(condition=~Q(child=F("parent")), name="link_not_to_itself"),
            models.UniqueConstraint(fields=["child", "relation", "start"], name="link_unique_start"),
        ]
        indexes = [models.Index(fields=["parent", "relation"], name="link_parent_relation")]

    def __str__(self):
        return f"{self.get_relation_display()}, {self.start or 'since before the records'} to {self.end or 'now'}"

    def is_current_on(self, date: datetime.date) -> bool:
        """In force on ``date`` (``objects.current_on`` in SQL)."""
        return (self.start is None or self.start <= date) and (self.end is None or self.end >= date)


class SuccessionType(models.TextChoices):
    MERGER = "merger", "Merger"
    SPLIT = "split", "Split"
    ACQUISITION = "acquisition", "Acquisition"


class Succession(models.Model):
    """One organisation succeeding another on a date, as ODS records it (e.g. the ICBs of 1 April 2026)."""

    predecessor = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="successions",
        help_text="The one that closed or gave up territory.",
    )
    successor = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="successions_from", help_text="The one that took over."
    )
    date = models.DateField(help_text="The first day of the successor's responsibility.")
    type = models.CharField(max_length=12, choices=SuccessionType.choices, help_text="Merger, split or acquisition.")
    source = models.CharField(max_length=200, blank=True, help_text="Where the succession is recorded.")

    class Meta:
        ordering = ["date", "predecessor_id", "successor_id"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique"),
            models.CheckConstraint(
                condition=Q(type__in=[t.value for t in SuccessionType]), name="succession_type_valid"
            ),
        ]

    def __str__(self):
        return f"{self.predecessor_id} → {self.successor_id} ({self.type}, {self.date})"


# What an LMC's footprint is made of: the places, PCNs and practices it covers (and, through
# a place or PCN, the practices under it). See governance.reading.lmc.
COVERED_KINDS = frozenset({Kind.PLACE, Kind.PCN, Kind.PRACTICE})


class Coverage(models.Model):
    """An LMC covering a place, PCN or practice of its own system (governance file: ``covers: [codes]``)."""

    lmc = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="coverage",
        limit_choices_to={"kind": Kind.LMC},
        help_text="The local medical committee.",
    )
    covered = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="covered_by",
        limit_choices_to={"kind__in": sorted(COVERED_KINDS)},
        help_text="A place, PCN or practice of the LMC's system: it and everything under it are in the footprint.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["lmc_id", "covered_id"]
        verbose_name_plural = "coverage"
        constraints = [models.UniqueConstraint(fields=["lmc", "covered"], name="coverage_unique")]

    def __str__(self):
        return f"{self.lmc.name} covers {self.covered.name}"


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


class SeatQuerySet(models.QuerySet):
    def vacant_on(self, date: datetime.date) -> "SeatQuerySet":
        """Seats nobody held on ``date``: known to be empty, so never a seat whose holders are not recorded."""
        held = Appointment.objects.current_on(date).filter(seat=OuterRef("pk"))
        return self.filter(~Exists(held), holders_recorded=True)


class Seat(models.Model):
    body = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="seats",
        help_text="The board, committee or partnership the seat is on.",
    )
    label = models.CharField(max_length=200, help_text="The seat's name on that body; unique per body.")
    role = models.CharField(max_length=20, choices=Role.choices)
    represents = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="representing_seats",
        help_text="The one organisation this seat speaks for, if any. Makes a hop of the representation path.",
    )
    sector = models.CharField(
        max_length=20,
        choices=Sector.choices,
        blank=True,
        help_text="The sector this seat is drawn from, if it stands for a whole sector. Never a hop of the path.",
    )
    selection = models.CharField(max_length=12, choices=Selection.choices, help_text="How the seat is filled.")
    delegate = models.BooleanField(default=False, help_text="Its holder acts as a delegate of what it represents.")
    voting = models.BooleanField(default=True, help_text="Its holder votes.")
    max_holders = models.PositiveSmallIntegerField(default=1, help_text="How many people may hold it at once.")
    portfolio = models.CharField(
        max_length=10,
        choices=Portfolio.choices,
        blank=True,
        help_text="An executive seat's portfolio (finance, medical, nursing, other): tells the directors apart.",
    )
    holders_recorded = models.BooleanField(
        default=True,
        help_text="Whether its holders are recorded. If not, nobody knows who holds it: it is neither filled nor "
        "vacant, and it has no appointments (governance file: holders: unknown).",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = SeatQuerySet.as_manager()

    class Meta:
        ordering = ["body_id", "label"]
        constraints = [
            models.UniqueConstraint(fields=["body", "label"], name="seat_label_unique_per_body"),
            models.CheckConstraint(condition=Q(max_holders__gte=1), name="seat_max_holders_at_least_one"),
            models.CheckConstraint(
                condition=Q(represents__isnull=True) | Q(sector=""), name="seat_represents_or_sector_not_both"
            ),
            models.CheckConstraint(condition=Q(role__in=[r.value for r in Role]), name="seat_role_valid"),
            models.CheckConstraint(
                condition=Q(selection__in=[s.value for s in Selection]), name="seat_selection_valid"
            ),
            models.CheckConstraint(
                condition=Q(portfolio__in=["", *(p.value for p in Portfolio)]), name="seat_portfolio_valid"
            ),
        ]

    def __str__(self):
        return f"{self.label} — {self.body.name}"


class Person(models.Model):
    """Someone who holds or held a seat. Public-office facts only."""

    name = models.CharField(max_length=200, db_index=True)
    profession = models.CharField(max_length=200, blank=True, help_text="e.g. GP, practice manager.")
    organisation = models.CharField(max_length=200, blank=True, help_text="Where they work, as published.")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name


class AppointmentQuerySet(models.QuerySet):
    """Appointments by date."""

    @staticmethod
    def current_condition(date: datetime.date) -> Q:
        """Current on ``date``: started on or before it, and not ended before it.

        Both ends are inclusive: ``end`` is the last day in the seat. ``Appointment.is_current_on``
        is the same rule for one row in memory.
        """
        return Q(start__lte=date) & (Q(end__isnull=True) | Q(end__gte=date))

    def current_on(self, date: datetime.date) -> "AppointmentQuerySet":
        """Those current on ``date``."""
        return self.filter(self.current_condition(date))

    def not_current_on(self, date: datetime.date) -> "AppointmentQuerySet":
        """Those ended, or not yet started, on ``date``."""
        return self.exclude(self.current_condition(date))


class Appointment(models.Model):
    """A person holding a seat from ``start`` to ``end`` (inclusive; open-ended if empty)."""

    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="appointments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateField(help_text="First day in the seat.")
    end = models.DateField(null=True, blank=True, help_text="Last day in the seat; empty while current.")
    term_ends = models.DateField(
        null=True,
        blank=True,
        help_text="The day the term is due to end, if known (the end is the day it actually ended).",
    )
    source = models.CharField(max_length=500, blank=True, help_text="Where this is published: a link or a citation.")
    # Also the appointment's version: an edit form carries it, and a save refuses if it moved on
    # meanwhile (governance.domain.edit_conflicts).
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["seat_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="appointment_end_not_before_start"
            ),
            models.CheckConstraint(
                condition=Q(term_ends__isnull=True) | Q(term_ends__gte=F("start")),
                name="appointment_term_ends_not_before_start",
            ),
            models.UniqueConstraint(fields=["seat", "person", "start"], name="appointment_unique_start"),
        ]
        indexes = [models.Index(fields=["seat", "start", "end"], name="appointment_seat_dates")]

    def __str__(self):
        return f"{self.person} — {self.seat.label} (from {self.start})"

    def is_current_on(self, date: datetime.date) -> bool:
        """Current on ``date`` (``objects.current_on`` in SQL)."""
        return self.start <= date and (self.end is None or self.end >= date)


class SystemRight(models.Model):
    """A user's right to edit one system: every organisation, seat and appointment in one ICB's tree.

    Held against the root organisation rather than its ``tree_id``, which is a cache that
    ``check_tree --fix`` may renumber. See ``governance.domain.permissions``.
    """

    user = models.ForeignKey(
        "auth.User", on_delete=models.CASCADE, related_name="system_rights", help_text="Who may edit."
    )
    system = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="editor_rights",
        limit_choices_to={"parent__isnull": True},
        help_text="The ICB (root) whose tree they may edit.",
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "system"], name="system_right_unique")]

    def __str__(self):
        return f"{self.user} may edit {self.system.code}"


class DataVersion(models.Model):
    """The version of all the data the API serves: one row, bumped by every write.

    ETags and Last-Modified come from it, so a revalidation costs one query. See
    ``governance.caching.versioning``.
    """

    counter = models.PositiveBigIntegerField(default=0, help_text="Goes up by one with each committed write.")
    changed_at = models.DateTimeField(help_text="When the counter last went up.")

    def __str__(self):
        return f"data version {self.counter} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


class DatasetRole(models.TextChoices):
    PRACTICES = "practices", "GP practices (epraccur)"
    PCNS = "pcns", "PCNs and their memberships (ePCN)"
    LOOKUP = "lookup", "Sub-ICB locations, ICBs and regions (ONS lookup)"
    SUCCESSIONS = "successions", "ICB successions"
    DIVISION = "division", "How divided ICBs were shared out"


class Dataset(models.Model):
    """A source file the structure was last imported from, and how old its data is.

    Pages say it where the reader looks ("PCN memberships as published in January 2025").
    A re-import of the same files leaves these rows as they are.
    """

    role = models.CharField(max_length=12, choices=DatasetRole.choices, unique=True, help_text="What it gives.")
    file = models.CharField(max_length=255, help_text="The file's name, as imported.")
    data_date = models.DateField(null=True, blank=True, help_text="The latest date the file records: how old it is.")
    published = models.CharField(
        max_length=100, blank=True, help_text="When it was published, in words (e.g. January 2025)."
    )
    source = models.CharField(max_length=500, blank=True, help_text="Where the file came from.")
    imported_at = models.DateTimeField(help_text="When it was imported.")

    class Meta:
        ordering = ["role"]

    def __str__(self):
        return f"{self.get_role_display()}: {self.file} ({self.data_date})"
