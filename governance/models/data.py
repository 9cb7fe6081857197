"""The data's own bookkeeping: the data version every write bumps, and the source files imported."""

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from governance.models.vocabulary import DatasetRole

# Sent after the version went up (in the process that bumped it): readers that remember the
# version (``governance.caching.versioning``) forget it, without this module knowing them.
bumped = Signal()


class _Bump:
    """The bump a transaction will make on commit; ``done`` once made. ``organisations``: whether
    any of its writes changed an organisation or a link (then their own version moves too)."""

    def __init__(self, manager: "DataVersionManager", organisations: bool):
        self.manager, self.done, self.organisations = manager, False, organisations

    def __call__(self):
        self.done = True
        self.manager.bump_now(organisations=self.organisations)


class DataVersionManager(models.Manager):
    ROW = 1  # the primary key of the single row

    def bump(self, *, organisations: bool = True) -> None:
        """Say that the data changed: the version goes up when the current transaction commits.

        Outside a transaction, at once. Inside one, at most once however many writes it
        makes; if it (or the savepoint that asked) rolls back, not at all. Signals bump it
        for ordinary saves; bulk writes (which send none) call this themselves.
        ``organisations=False`` says that no organisation or link changed (seats, people,
        appointments…): readers then keep England's organisations and the graphs of the other
        systems (``governance.caching.versioning``). Left out, they are taken to have changed.
        """
        connection = transaction.get_connection()
        # A bump still pending in this transaction will cover this write too. (Django drops a
        # rolled-back savepoint's callbacks from run_on_commit, so a pending one is still due.)
        if connection.in_atomic_block:
            for _savepoints, pending, *_ in connection.run_on_commit:
                if isinstance(pending, _Bump) and not pending.done:
                    pending.organisations |= organisations
                    return
        # robust: the data is committed whatever happens here; a failed bump is logged, not raised.
        transaction.on_commit(_Bump(self, organisations), robust=True)

    def bump_now(self, *, organisations: bool = True) -> None:
        """Move the version on now (one UPDATE; the row is recreated if it is gone); with
        ``organisations``, the organisations' version too (to the same counter and moment)."""
        now = timezone.now()
        moved = {"counter": F("counter") + 1, "changed_at": now}
        if organisations:  # SET's right-hand sides read the row as it was: the counter's new value
            moved |= {"organisations_counter": F("counter") + 1, "organisations_changed_at": now}
        if not self.filter(pk=self.ROW).update(**moved):
            try:  # the row is gone (e.g. a flushed test database): recreate it, everything new
                with transaction.atomic():
                    self.create(
                        pk=self.ROW, counter=1, changed_at=now, organisations_counter=1, organisations_changed_at=now
                    )
            except IntegrityError:  # another process recreated it meanwhile
                self.filter(pk=self.ROW).update(**moved)
        bumped.send(sender=self.model)


class DataVersion(models.Model):
    """The version of all the data the API serves: one row, bumped by every write.

    ETags and Last-Modified come from it, so a revalidation costs one query. Beside it, the
    version of the organisations and their links alone (what the ODS import and organisation
    edits change, not seat or holder edits), which England's structure in memory is kept by.
    See ``governance.caching.versioning``.
    """

    counter = models.PositiveBigIntegerField(default=0, help_text="Goes up by one with each committed write.")
    changed_at = models.DateTimeField(help_text="When the counter last went up.")
    organisations_counter = models.PositiveBigIntegerField(
        default=0, help_text="The counter's value when an organisation or a link last changed."
    )
    organisations_changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When an organisation or a link last changed."
    )

    objects = DataVersionManager()

    def __str__(self):
        return f"data version {self.counter} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


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
