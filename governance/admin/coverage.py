"""An LMC's coverage in the admin: the places, PCNs and practices it covers, inline on the LMC's page."""

from django import forms
from django.contrib import admin

from governance.admin.base import SystemScopedInline
from governance.domain import rules
from governance.models import Coverage


class CoverageForm(forms.ModelForm):
    """Checked by ``rules.check_coverage``: a place, PCN or practice, of any system."""

    class Meta:
        model = Coverage
        fields = ["covered"]

    def clean(self):
        cleaned = super().clean()
        covered = cleaned.get("covered")
        if covered is not None and self.instance.lmc_id is not None:
            try:
                rules.check_coverage(self.instance.lmc, covered)
            except rules.RuleError as error:
                self.add_error("covered", error)
        return cleaned


class CoverageInline(SystemScopedInline, admin.TabularInline):
    """What an LMC covers, on the LMC's page."""

    model = Coverage
    form = CoverageForm
    fk_name = "lmc"
    autocomplete_fields = ("covered",)
    extra = 0
    verbose_name = "covered place, PCN or practice"
    verbose_name_plural = "what this LMC covers"
