"""On PostgreSQL, the database itself refuses two links of one relation for a unit on the same day.

The rule lives in ``governance.domain.links.check_links`` (every writer calls it, on every
database); this exclusion constraint is its guard in PostgreSQL, as EveryElection guards its
dates: GiST over (child, relation, the inclusive range of days). Deferred to the commit, so a
writer may end one link and start the next in either order within a transaction. SQLite has no
such constraint: the Python check stands alone there.
"""

from django.db import migrations

CONSTRAINT = "link_one_per_relation_per_day"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE governance_link ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(child_id WITH =, relation WITH =, daterange(start, \"end\", '[]') WITH &&) "
        "DEFERRABLE INITIALLY DEFERRED"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE governance_link DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("governance", "0011_appointment_seen_sources")]

    operations = [migrations.RunPython(add_constraint, drop_constraint, elidable=False)]
