import os

import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    # Tests marked postgres skip on other databases, unless CI demands them.
    if connection.vendor == "postgresql" or os.environ.get("REQUIRE_POSTGRES") == "1":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def pytest_sessionfinish(session, exitstatus):
    """With REQUIRE_POSTGRES=1 a skipped PostgreSQL test is a failure, not a pass."""
    if os.environ.get("REQUIRE_POSTGRES") == "1" and connection.vendor != "postgresql":
        print("\nREQUIRE_POSTGRES=1 but the tests ran on", connection.vendor)
        session.exitstatus = 1
