"""Who may edit which system."""

from django.db import models

from governance.models.organisations import Organisation


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
