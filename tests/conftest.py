import os
from pathlib import Path

import pytest
from django.db import connection

REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"


@pytest.fixture(autouse=True)
def _no_api_throttling(settings):
    """No rate limit on anonymous API requests: the suite makes hundreds a minute, and the
    counts live in a cache shared by every test. test_api_http sets a tiny rate to test the limit."""
    settings.API_ANON_THROTTLE_RATE = None


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with no cached system graphs or pages.

    Both are cached by data version, which goes up when a write commits; tests run in
    transactions that never commit, so one test's answers would otherwise serve the next.
    """
    from tests.builders import clear_caches

    clear_caches()
    yield
    clear_caches()


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


# Browser tests (tests/test_browser.py, marked browser) drive the system's Chromium through
# Playwright. Without /usr/bin/chromium they skip; with REQUIRE_BROWSER=1 (CI) a skipped
# browser test fails the run, as REQUIRE_POSTGRES=1 does for PostgreSQL. A plugin of its
# own, so the PostgreSQL hooks above stay as they are.
CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"


class BrowserTests:
    def __init__(self):
        self.skipped: list[str] = []

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item):
        if "browser" in item.keywords and not CHROMIUM.exists():
            pytest.skip(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")

    def pytest_runtest_logreport(self, report):
        if report.skipped and "browser" in report.keywords:
            self.skipped.append(report.nodeid)

    def missing(self) -> bool:
        return REQUIRE_BROWSER and (bool(self.skipped) or not CHROMIUM.exists())

    def pytest_terminal_summary(self, terminalreporter, exitstatus):
        if self.missing():
            terminalreporter.write_line("FAILED: REQUIRE_BROWSER=1 but browser tests were skipped:", red=True)
            for nodeid in self.skipped:
                terminalreporter.write_line(f"  {nodeid}")

    def pytest_sessionfinish(self, session, exitstatus):
        if self.missing():
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Chromium through Playwright (skipped without it)")
    config.pluginmanager.register(BrowserTests(), "icsmap-browser-tests")
