import os

import pytest
from django.db import connection

REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
_skipped_postgres_tests: list[str] = []


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres skip on other databases (on a user's machine without PostgreSQL)."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def pytest_runtest_logreport(report):
    if report.skipped and "postgres" in report.keywords:
        _skipped_postgres_tests.append(report.nodeid)


def _missing_postgres() -> bool:
    return REQUIRE_POSTGRES and (bool(_skipped_postgres_tests) or connection.vendor != "postgresql")


def pytest_terminal_summary(terminalreporter, exitstatus):
    if _missing_postgres():
        terminalreporter.write_line(
            f"FAILED: REQUIRE_POSTGRES=1 but the database is {connection.vendor}; skipped PostgreSQL tests:", red=True
        )
        for nodeid in _skipped_postgres_tests:
            terminalreporter.write_line(f"  {nodeid}")


def pytest_sessionfinish(session, exitstatus):
    """With REQUIRE_POSTGRES=1 (CI), a skipped PostgreSQL test fails the run."""
    if _missing_postgres():
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
