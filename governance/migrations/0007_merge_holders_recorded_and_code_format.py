# Joins the two migrations made side by side on 0004: holders not recorded, portfolios, terms and
# provenance (0005), and the code format (0006). Neither touches the other's fields.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0005_seat_holders_recorded_portfolio_terms_provenance"),
        ("governance", "0006_organisation_code_format"),
    ]

    operations = []
