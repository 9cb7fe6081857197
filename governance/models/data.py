"""The data's own bookkeeping: the data version every write bumps, and the source files imported."""

from django.db import models

from governance.models.vocabulary import DatasetRole


class DataVersion(models.Model):
    """The version of all the data the API serves: one row, bumped by every write.

    ETags and Last-Modified come from it, so a revalidation costs one query. See
    ``governance.caching.versioning``.
    """

    counter = models.PositiveBigIntegerField(default=0, help_text="Goes up by one with each committed write.")
    changed_at = models.DateTimeField(help_text="When the counter last went up.")

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
