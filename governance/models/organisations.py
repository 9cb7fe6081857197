"""Organisations and how they belong together in time: the tree, dated links, successions, LMC coverage.

Organisation is an MPTT node, one tree per system (the ICB is the root). Structural writes
(create, move, delete) go through ``governance.domain.tree``, never straight through
``save()``: django-mptt takes no locks. The tree is today's structure; ``Link`` rows hold the
past and the future (``governance.domain.links``).
"""

from django.db import models
from django.db.models import F, Q
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet
from simple_history.models import HistoricalRecords

from governance.models.codes import CODE_LENGTH, CODE_PATTERN, validate_code
from governance.models.dated import Dated, DatedQuerySet, DatedQuerySetMixin
from governance.models.vocabulary import BODY_KINDS, COVERED_KINDS, Kind, Relation, Source, SuccessionType

# History (django-simple-history) keeps what people decide, not caches: never MPTT's tree
# numbers (a move elsewhere renumbers thousands of rows) nor ``updated_at`` (the history
# row has its own time). See governance/domain/history.py.
MPTT_FIELDS = ["lft", "rght", "tree_id", "level"]


class OrganisationQuerySet(DatedQuerySetMixin, TreeQuerySet):
    """Organisations by date (open from ``opened`` to ``closed``, both inclusive).

    A TreeQuerySet, so ``get_children()`` and the tree methods keep these too.
    """

    open_condition = DatedQuerySetMixin.condition
    open_on = DatedQuerySetMixin.on
    not_open_on = DatedQuerySetMixin.not_on


class Organisation(MPTTModel, Dated):
    PERIOD_FIELDS = ("opened", "closed")

    code = models.CharField(
        max_length=CODE_LENGTH,
        unique=True,
        validators=[validate_code],
        help_text="Stable key: the ODS code for NHS organisations (e.g. QOP, 00T, U12345, P84001), "
        "a slug for bodies that have none (e.g. qop-board). Letters, digits and hyphens only.",
    )
    name = models.CharField(max_length=255, help_text="Name as published.")
    also_known_as = models.TextField(
        blank=True,
        help_text="Its usual short names, one a line (e.g. Kent LMC for Kent Local Medical Committee): search "
        "finds it by them (governance file: also_known_as).",
    )
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
        help_text="On an ICB: where its board's composition and holders were taken from (a link or a citation); "
        "on a body: where it is published (governance file: source).",
    )
    verified_on = models.DateField(
        null=True,
        blank=True,
        help_text="On an ICB: the day its source was read or states (verified); on a body: the day its source "
        "shows it (seen).",
    )
    illustrative = models.BooleanField(
        default=False,
        help_text="On an ICB: its holders are invented demo content, not real people. Every page showing them says so.",
    )
    routes_recorded = models.BooleanField(
        null=True,
        blank=True,
        help_text="On an ICB, or a place for the units below it: whether the structure below the top board is "
        "recorded, so that a practice with no route there has a broken chain (yes), or nothing recorded says "
        "whether a route exists (no: its route is not recorded). Empty: not said; a place follows its system, "
        "and a system is recorded when it has a body other than its top board and ICP, or a top-board seat that "
        "represents an organisation (governance.domain.routes).",
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

    @property
    def usual_names(self) -> list[str]:
        """``also_known_as``, one name a line, as a list."""
        return self.also_known_as.splitlines()

    is_active_on = Dated.holds_on


class LinkQuerySet(DatedQuerySet):
    """Links by date: ``current_on(day)`` are those in force that day."""

    current_condition = DatedQuerySet.condition
    current_on = DatedQuerySet.on


class Link(Dated):
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
    start_exact = models.BooleanField(
        default=True,
        help_text="False when the start is only the day a snapshot first showed the link: it began on or before "
        "then, after the last day an earlier source showed the unit elsewhere.",
    )
    end_exact = models.BooleanField(
        default=True,
        help_text="False when the end is only the day before a snapshot showed the unit elsewhere: it ended on or "
        "before then.",
    )
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

    is_current_on = Dated.holds_on


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


class Coverage(models.Model):
    """An LMC covering a place, PCN or practice of any system (governance file: ``covers: [codes]``).

    An LMC's area follows counties, not ICBs: Surrey and Sussex LMCs span two systems, Londonwide
    LMCs five. The LMC itself sits in one system's tree (its home system)."""

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
        help_text="A place, PCN or practice, of any system: it and everything under it are in the footprint.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["lmc_id", "covered_id"]
        verbose_name_plural = "coverage"
        constraints = [models.UniqueConstraint(fields=["lmc", "covered"], name="coverage_unique")]

    def __str__(self):
        return f"{self.lmc.name} covers {self.covered.name}"


class Cluster(Dated):
    """An ICB in a cluster of ICBs (2025–27: ICBs sharing a chair, a chief executive or a board), from a day
    its source states (``start``) or shows it (``seen``) to ``end`` (governance file: ``clusters``)."""

    PERIOD_FIELDS = ("start", "end")

    name = models.CharField(max_length=200, help_text="The cluster's name as its source gives it.")
    icb = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="clusters",
        limit_choices_to={"kind": Kind.ICB},
        help_text="One ICB of the cluster; the others are the rows with the same name.",
    )
    start = models.DateField(
        help_text="First day in the cluster the record knows: the day stated (from) or, if start_known is false, "
        "the day the source shows it (seen)."
    )
    start_known = models.BooleanField(
        default=True, help_text="False when the source shows the cluster on `start` without saying since when."
    )
    end = models.DateField(null=True, blank=True, help_text="Last day in the cluster; empty while it holds.")
    source = models.CharField(max_length=500, help_text="Where the cluster is published: a link (http or https).")

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "icb_id", "start"]
        constraints = [
            models.UniqueConstraint(fields=["icb", "name", "start"], name="cluster_unique_start"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="cluster_end_not_before_start"
            ),
        ]

    def __str__(self):
        return f"{self.icb_id} in {self.name} from {self.start}"


class OrganisationName(Dated):
    """A name an organisation bore from ``start`` to ``end`` (e.g. 06Q "NHS Mid and South Essex ICB - 06Q" until
    31 March 2026, then "NHS Essex ICB - 06Q"). Without rows, ``Organisation.name`` holds on every day."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="names", help_text="The organisation named."
    )
    name = models.CharField(max_length=255, help_text="The name as published for those days.")
    start = models.DateField(null=True, blank=True, help_text="First day of the name; empty: since before the records.")
    end = models.DateField(null=True, blank=True, help_text="Last day of the name; empty while it holds.")
    source = models.CharField(max_length=200, blank=True, help_text="Where the name and its dates were read.")

    objects = DatedQuerySet.as_manager()

    class Meta:
        # Earliest first on every database: an unknown start (since before the records) before any date.
        ordering = ["organisation_id", F("start").asc(nulls_first=True)]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "start"], name="organisation_name_unique_start"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                name="organisation_name_end_not_before_start",
            ),
        ]

    def __str__(self):
        return f"{self.organisation_id}: {self.name} ({self.start or 'before the records'} to {self.end or 'now'})"


class RegisteredPatients(models.Model):
    """The patients registered at the practices of a PCN, sub-ICB location, ICB or NHS England region on an
    extract's day (NHS England Digital, Patients Registered at a GP Practice), by ODS code."""

    code = models.CharField(max_length=CODE_LENGTH, unique=True, help_text="ODS code of the unit (a region: Y56…).")
    unit_type = models.CharField(
        max_length=30, help_text="The publication's ORG_TYPE: PCN, SUB_ICB_LOCATION_CODE, ICB…"
    )
    ons_code = models.CharField(max_length=9, blank=True, help_text="The unit's ONS code in the publication (E38…).")
    name = models.CharField(
        max_length=100, blank=True, help_text="A region's name as the publication gives it (North West); else empty."
    )
    count = models.PositiveIntegerField(help_text="Registered patients, all ages and sexes.")
    date = models.DateField(help_text="The extract's date: the day the count holds.")
    source = models.CharField(max_length=300, help_text="The file and publication it was read from.")

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "registered patients"

    def __str__(self):
        return f"{self.code}: {self.count} on {self.date}"
