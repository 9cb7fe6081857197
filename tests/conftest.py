import datetime
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings


@pytest.fixture(autouse=True)
def _no_api_throttling(settings):
    """No rate limit on anonymous API or page requests, nor on wrong API tokens: the suite makes
    hundreds a minute, and the counts live in a cache shared by every test. The tests of each limit
    (test_api_http, pages/test_floods) set a tiny rate."""
    settings.API_ANON_THROTTLE_RATE = None
    settings.PAGE_ANON_THROTTLE_RATE = None
    settings.API_TOKEN_FAILURE_RATE = None


@pytest.fixture(autouse=True)
def _no_write_storms(settings):
    """Every bump seen at once in this process: tests write many times a second, which a server would
    take for a write storm and let readers see a burst late. caching/test_versioning sets it."""
    settings.DATA_VERSION_STORM_MAX_AGE = None


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Passwords hashed with MD5 in tests (Django's advice for test speed): the default hasher is slow
    by design, and every user made with a password and every log-in in the suite paid for it."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with nothing cached (``governance.caching.reset()``), and leaves nothing.

    Caches are keyed by the data version, which goes up when a write commits; tests run in
    transactions that never commit, so one test's answers would otherwise serve the next.
    """
    from governance import caching

    caching.reset()
    yield
    caching.reset()


# Tests that need something a user's machine may lack skip without it; CI sets REQUIRE_…=1 so
# that they cannot skip there. One mechanism serves every such marker: a skipped marked test
# (or the thing missing at all) fails a run that requires it, and the summary says which.
CHROMIUM = Path(os.environ.get("ICSMAP_CHROMIUM", "/usr/bin/chromium"))


class Required:
    """Tests marked ``marker`` skip where ``missing()`` names what they lack; with ``env``=1 that fails the run."""

    def __init__(self, marker: str, env: str, missing, skip_reason: str):
        self.marker, self.env, self.missing, self.skip_reason = marker, env, missing, skip_reason
        self.required = os.environ.get(env) == "1"
        self.skipped: list[str] = []

    def pytest_collection_modifyitems(self, config, items):
        if self.missing() is None:
            return
        skip = pytest.mark.skip(reason=self.skip_reason)
        for item in items:
            if self.marker in item.keywords:
                item.add_marker(skip)

    def pytest_runtest_logreport(self, report):
        if report.skipped and self.marker in report.keywords:
            self.skipped.append(report.nodeid)

    def failure(self) -> str | None:
        """Why a run that requires these tests fails, or None."""
        if not self.required:
            return None
        missing = self.missing()
        if missing is None and not self.skipped:
            return None
        return f"{self.env}=1 but {missing or self.marker + ' tests were skipped'}"

    def pytest_terminal_summary(self, terminalreporter, exitstatus):
        failure = self.failure()
        if failure:
            listed = f"; skipped {self.marker} tests:" if self.skipped else ""
            terminalreporter.write_line(f"FAILED: {failure}{listed}", red=True)
            for nodeid in self.skipped:
                terminalreporter.write_line(f"  {nodeid}")

    def pytest_sessionfinish(self, session, exitstatus):
        if self.failure():
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _no_postgres() -> str | None:
    return None if connection.vendor == "postgresql" else f"the database is {connection.vendor}"


def _no_chromium() -> str | None:
    return None if CHROMIUM.exists() else f"there is no Chromium at {CHROMIUM}"


def pytest_configure(config):
    config.pluginmanager.register(
        Required("postgres", "REQUIRE_POSTGRES", _no_postgres, "needs PostgreSQL (set DATABASE_URL=postgres://…)"),
        "icsmap-require-postgres",
    )
    needs_chromium = f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    config.pluginmanager.register(
        Required("browser", "REQUIRE_BROWSER", _no_chromium, needs_chromium), "icsmap-require-browser"
    )


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """The Chromium the browser tests drive (``ICSMAP_CHROMIUM``, default the Debian package's)."""
    return CHROMIUM


# England's shipped ODS data: importing it takes seconds (4 to 10 here), so the tests that read it share
# one import, committed to the test database, and each runs in its own transaction on top of it,
# rolled back as usual. They run last and together, so no other test ever sees those rows.
SHIPPED_DAY = datetime.date(2026, 12, 2)  # the day the shared import places today's tree as of


@pytest.fixture(scope="session")
def shipped_england(django_db_setup, django_db_blocker):
    """The summary of one import of the shipped ODS set (as of ``SHIPPED_DAY``), whose rows stay in the
    test database for every test that asks for it; the database is flushed afterwards."""
    from governance.ingest.ods.importer import import_ods

    with django_db_blocker.unblock():
        summary = import_ods(today=SHIPPED_DAY)
    yield summary
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The tests on ``shipped_england`` run last, in their order (after pytest-django's ordering by kind)."""
    items.sort(key=lambda item: "shipped_england" in getattr(item, "fixturenames", ()))
