from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "ICS governance"

    def ready(self):
        # Every write bumps the data version behind the API's ETags.
        from governance.caching import versioning

        versioning.connect()
