"""Two editors, one row: neither may overwrite the other's change unseen.

An optimistic version check. An edit form carries the row's ``updated_at`` as it was
when the form was opened (its *version*, in a hidden field). On save, ``check_version``
locks the row (``SELECT … FOR UPDATE``, held until the transaction ends, so a second
save waits for the first to commit and then sees its new version) and compares: if the
row moved on meanwhile, the save is refused, naming who changed it and when (from the
row's history). The loser reloads and re-applies their change; nothing is lost silently.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone


class EditConflict(ValidationError):
    """The row changed (or went) since the form was opened."""


def version_of(obj: Model) -> str:
    """The version an edit form carries for ``obj``: its ``updated_at``, as ISO text."""
    return obj.updated_at.isoformat() if getattr(obj, "updated_at", None) else ""


def _parse(version: str | None) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(version) if version else None
    except ValueError:
        return None


def check_version(model: type[Model], pk, version: str | None) -> None:
    """Lock row ``pk`` of ``model`` until the transaction ends; refuse if it is no longer at ``version``.

    Raises ``EditConflict`` with a sentence for the editor. Call inside ``transaction.atomic()``
    and save in the same transaction, so that no other save can come between check and write.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("check_version() must run inside the transaction that saves the row.")
    name = model._meta.verbose_name
    stored = model._default_manager.select_for_update().filter(pk=pk).values_list("updated_at", flat=True).first()
    if stored is None:
        raise EditConflict(f"This {name} was deleted since you opened it; reload to see where things stand.")
    loaded = _parse(version)
    if loaded is None:
        raise EditConflict(f"This form did not say which version of the {name} it edits; reload and try again.")
    if loaded == stored:
        return
    last = model.history.filter(id=pk).select_related("history_user").order_by("-history_id").first()
    who = last.history_user.get_username() if last and last.history_user else "someone else"
    when = timezone.localtime(last.history_date if last else stored)
    raise EditConflict(
        f"This {name} was changed by {who} at {when:%Y-%m-%d %H:%M:%S} since you opened it; "
        "reload and re-apply your change."
    )


class VersionedForm(forms.ModelForm):
    """A model form that refuses to save over a change made since it was opened.

    Its ``version`` field carries the row's version; ``clean()`` runs ``check_version``. The
    admin validates and saves in one transaction, so the lock holds until the save commits.
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["version"] = version_of(self.instance)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            try:
                check_version(type(self.instance), self.instance.pk, self.data.get(self.add_prefix("version")))
            except EditConflict as conflict:
                self.add_error(None, conflict)
        return cleaned
