"""Organisations: named in passing, listed, in detail (where they sat on the date, their successions and
clusters), and moved."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.api.serializers.fields import CodeField, OnlyKnownFields
from governance.api.serializers.seating import SeatSerializer
from governance.domain.england import Structure
from governance.models import COVERED_KINDS, Kind, Organisation, Relation, SuccessionType
from governance.reading import as_of, clusters, lmc, memberships, successions
from governance.reading.structure import ancestors, child_counts


class OrganisationRefSerializer(serializers.Serializer):
    """An organisation named in passing: code, name, kind."""

    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices)


class ParentLinkSerializer(serializers.Serializer):
    """The dated link that placed an organisation under its parent on the date (``memberships.parent_link_of``):
    API detail's ``parent_link`` and every path layer's."""

    parent = OrganisationRefSerializer()
    relation = serializers.ChoiceField(choices=Relation.choices)
    start = serializers.DateField(allow_null=True, help_text="Its first day; null: since before the records begin.")
    start_exact = serializers.BooleanField(
        help_text="False when the start is only the day a snapshot first showed it (it began on or before then)."
    )
    earliest_start = serializers.DateField(
        allow_null=True,
        help_text="When the start is not exact: the earliest day it can have begun (the day after the data date "
        "of the file that showed the link before it); else null.",
    )
    end = serializers.DateField(allow_null=True, help_text="Its last day; null: open-ended.")
    end_exact = serializers.BooleanField(help_text="False when it ended on or before its end (seen in a snapshot).")
    source = serializers.CharField(allow_blank=True, help_text="The file it was read from.")
    basis = serializers.ChoiceField(
        choices=list(memberships.BASIS_WORDS), help_text="ods: the publisher's word; icsmap: icsmap's own division."
    )
    basis_words = serializers.CharField()


class LmcRefSerializer(serializers.Serializer):
    """A local medical committee named in passing: code, name."""

    code = serializers.CharField()
    name = serializers.CharField()


class SystemRefSerializer(serializers.Serializer):
    """A system, named by its ICB."""

    code = serializers.CharField()
    name = serializers.CharField()


class AsOf:
    """Where an organisation sat on the answer's date, from the context's ``structure`` and ``date``.

    The views put England's structure (``governance.reading.as_of``) and the date asked (default
    today) in the serializer's context; an organisation closed by then is shown where it was on
    its last day (``Structure.placed_on``). No query per organisation.
    """

    def structure(self, obj) -> Structure:
        """The context's structure; read afresh if ``obj`` was written since (its data version not yet seen here)."""
        if obj.pk not in self.context["structure"].units:
            self.context["structure"] = as_of.england()
        return self.context["structure"]

    def placed(self, obj) -> tuple[int | None, int | None]:
        return self.structure(obj).placed_on(obj.pk, self.context["date"])

    def code_of(self, pk: int | None) -> str | None:
        return None if pk is None else self.context["structure"].units[pk].code


class OrganisationSerializer(AsOf, serializers.ModelSerializer):
    """An organisation in a list. ``name`` is its name, ``parent`` and ``system`` codes, as of the date asked (default
    today)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:organisation-detail", lookup_field="code")
    name = serializers.SerializerMethodField(help_text="Its name on the date (names are dated facts).")
    parent = serializers.SerializerMethodField(help_text="Code of the parent on the date (null for an ICB).")
    system = serializers.SerializerMethodField(
        help_text="Code of the system (ICB) it was in on the date; null when in none that day."
    )

    class Meta:
        model = Organisation
        fields = ["code", "name", "kind", "parent", "system", "opened", "closed", "postcode", "url"]

    @extend_schema_field(serializers.CharField())
    def get_name(self, obj) -> str:
        return memberships.name_of(self.structure(obj), obj, self.context["date"])

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_parent(self, obj):
        return self.code_of(self.placed(obj)[0])

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_system(self, obj):
        return self.code_of(self.placed(obj)[1])


class SuccessionSerializer(serializers.Serializer):
    """The other side of a succession: who, on which day (the successor's first), and how."""

    code = serializers.CharField()
    name = serializers.CharField()
    date = serializers.DateField(help_text="The first day of the successor's responsibility.")
    type = serializers.ChoiceField(choices=SuccessionType.choices)


class ClusterSerializer(serializers.Serializer):
    """An ICB's cluster of ICBs on the date (2025–27: ICBs sharing a chair, a chief executive or a board)."""

    name = serializers.CharField()
    start = serializers.DateField(
        allow_null=True, help_text="Since when; null when its source only shows it on `seen`."
    )
    seen = serializers.DateField(
        allow_null=True, help_text="The day its source shows the cluster, if no start is published."
    )
    end = serializers.DateField(allow_null=True)
    source = serializers.CharField(help_text="Where the cluster is published.")
    others = OrganisationRefSerializer(many=True, help_text="The other ICBs of the cluster on the date (code, name).")

    def get_fields(self):
        return {{"start": "from", "end": "to"}.get(name, name): field for name, field in super().get_fields().items()}


class OrganisationDetailSerializer(OrganisationSerializer):
    """One organisation, with where it sits, what is under it, (for a body) its seats, and who succeeded whom;
    its place and children as of the date."""

    ancestors = serializers.SerializerMethodField(help_text="From the system's root down to the parent, on the date.")
    child_counts = serializers.SerializerMethodField(
        help_text="Number of direct children of each kind on the date (with those closed by then whose last "
        "parent it was)."
    )
    seats = serializers.SerializerMethodField(help_text="The seats on this body (empty for a unit).")
    covers = serializers.SerializerMethodField(
        help_text="An LMC's coverage: the places, PCNs and practices it covers (empty for anything else)."
    )
    lmcs = serializers.SerializerMethodField(
        help_text="The local medical committees, of any system, whose footprint includes it on the date (a "
        "practice, PCN or place; empty for anything else)."
    )
    successors = serializers.SerializerMethodField(
        help_text="Those that took over from it (a closed ICB's successors), by date then name; empty if none."
    )
    predecessors = serializers.SerializerMethodField(
        help_text="Those it took over from, wholly (merger) or in part (split, acquisition), by date then name."
    )
    clusters = serializers.SerializerMethodField(
        help_text="An ICB's clusters of ICBs on the date, each with its source (empty for anything else)."
    )
    names = serializers.SerializerMethodField(
        help_text="Every name it bore, earliest first: name, from, to (null: open-ended), source."
    )
    parent_link = serializers.SerializerMethodField(
        help_text="The dated link that placed it under its parent on the date: parent, relation, start, start_exact, "
        "earliest_start (when the start is only where a snapshot first showed it), end, end_exact, source and "
        "basis (ods: the publisher's word; icsmap: icsmap's own division). Null for an ICB or a body."
    )
    registered_patients = serializers.SerializerMethodField(
        help_text="A PCN's, sub-ICB location's or ICB's registered patients: count, date (the extract's), source; "
        "an ICB also gives its region's as region_registered_patients. Null when not published."
    )
    region_registered_patients = serializers.SerializerMethodField(
        help_text="An ICB's NHS England region's registered patients (count, date, source); null otherwise."
    )

    class Meta(OrganisationSerializer.Meta):
        fields = [
            *OrganisationSerializer.Meta.fields,
            "ancestors",
            "child_counts",
            "seats",
            "covers",
            "lmcs",
            "successors",
            "predecessors",
            "clusters",
            "names",
            "parent_link",
            "registered_patients",
            "region_registered_patients",
        ]

    def _facts(self, obj) -> dict:
        """Its names and its parent link (``memberships.page_facts``), once."""
        if getattr(self, "_facts_of", (None,))[0] != obj.pk:
            structure, date = self.structure(obj), self.context["date"]
            self._facts_of = (obj.pk, memberships.page_facts(obj, date, structure=structure, changes=False))
        return self._facts_of[1]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_names(self, obj):
        return self._facts(obj)["names"]

    @extend_schema_field(ParentLinkSerializer(allow_null=True))
    def get_parent_link(self, obj):
        return self._facts(obj)["parent_link"]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_registered_patients(self, obj):
        return memberships.registered_patients(obj) if obj.kind in memberships.PATIENT_KINDS else None

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_region_registered_patients(self, obj):
        return memberships.region_patients(obj.region) if obj.kind == Kind.ICB and obj.region else None

    @extend_schema_field(ClusterSerializer(many=True))
    def get_clusters(self, obj):
        return clusters.clusters_of(obj, self.context["date"])

    def _lineage(self, obj) -> dict:
        """Both sides of ``obj``'s successions, read once (one query) for the two fields."""
        if getattr(self, "_lineage_of", (None,))[0] != obj.pk:
            self._lineage_of = (obj.pk, successions.lineage(obj))
        return self._lineage_of[1]

    @extend_schema_field(SuccessionSerializer(many=True))
    def get_successors(self, obj):
        return SuccessionSerializer(self._lineage(obj)["successors"], many=True).data

    @extend_schema_field(SuccessionSerializer(many=True))
    def get_predecessors(self, obj):
        return SuccessionSerializer(self._lineage(obj)["predecessors"], many=True).data

    @extend_schema_field(OrganisationRefSerializer(many=True))
    def get_ancestors(self, obj):
        return ancestors(obj, self.context["date"], structure=self.structure(obj))

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_child_counts(self, obj):
        counts = child_counts(obj, self.context["date"], structure=self.structure(obj))
        return {count["kind"]: count["n"] for count in counts}

    @extend_schema_field(OrganisationRefSerializer(many=True))
    def get_covers(self, obj):
        return lmc.covers(obj)

    @extend_schema_field(LmcRefSerializer(many=True))
    def get_lmcs(self, obj):
        if obj.kind not in COVERED_KINDS:
            return []
        return lmc.lmcs_of(obj, self.context["date"], structure=self.structure(obj))

    @extend_schema_field(SeatSerializer(many=True))
    def get_seats(self, obj):
        if not obj.is_body:
            return []
        seats = obj.seats.select_related("body", "represents")
        return SeatSerializer(seats, many=True, context=self.context).data


class MoveSerializer(OnlyKnownFields, serializers.Serializer):
    """Where an organisation moves: under ``parent`` (it and everything under it)."""

    parent = CodeField(help_text="Code of the new parent.")
