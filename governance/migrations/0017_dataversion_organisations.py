# The organisations' own version beside the data version: England's structure in memory is kept
# while only seats, people or holders change (governance.caching.versioning).

from django.db import migrations, models
from django.db.models import F


def as_of_the_last_write(apps, schema_editor):
    # Nobody knows which write last changed an organisation: take it to be the last write.
    DataVersion = apps.get_model("governance", "DataVersion")
    DataVersion.objects.update(organisations_counter=F("counter"), organisations_changed_at=F("changed_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0016_organisation_names_earliest_first"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataversion",
            name="organisations_counter",
            field=models.PositiveBigIntegerField(
                default=0, help_text="The counter's value when an organisation or a link last changed."
            ),
        ),
        migrations.AddField(
            model_name="dataversion",
            name="organisations_changed_at",
            field=models.DateTimeField(blank=True, null=True, help_text="When an organisation or a link last changed."),
        ),
        migrations.RunPython(as_of_the_last_write, migrations.RunPython.noop),
    ]
