"""The house rules, as tests: what a reviewer would otherwise have to remember.

- Test modules never import each other (nor ``conftest``): shared builders live in ``tests/builders.py``.
- Every test module under ``tests/`` is named in ``tests/README.md``, by its path from there.
- ``governance/`` is grouped by concern: at most 8 modules loose in it, and each folder has a
  README saying what it holds and what it must not do (so do ``tools/`` and ``tests/``).
- Its packages stand on floors: no import runs back up (``domain`` imports no reader, ``reading``
  no file format or import, neither of those a page, the API, the admin or a command), and no
  module of it passes 600 lines.
- A run that requires PostgreSQL or the browser (``REQUIRE_POSTGRES=1``, ``REQUIRE_BROWSER=1``,
  as CI sets) fails when those tests cannot run, rather than passing with them skipped.
"""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
APP = ROOT / "governance"
MAX_LOOSE_MODULES = 8
MAX_MODULE_LINES = 600
MIGRATIONS = APP / "migrations"
# What each package of governance/ must not import: each floor stands on those below it.
NOT_IMPORTED_BY = {
    "domain": {"reading", "caching", "pages", "api", "admin", "ingest", "governance_file", "management"},
    "reading": {"governance_file", "ingest", "pages", "api", "admin", "management"},
    "governance_file": {"pages", "api", "admin", "management"},
    "ingest": {"pages", "api", "admin", "management"},
}
# Django's own layouts, described by their parent's README.
NO_README_NEEDED = {APP / "migrations", APP / "management" / "commands"}


def imported_test_modules(source: str, package: str = "tests") -> list[str]:
    """The test modules (and conftest) that ``source``, a module of ``package``, imports, however it imports them."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(filter(None, [package if node.level else None, node.module]))
            names += [base, *(f"{base}.{alias.name}" for alias in node.names)]
    # ``tests.test_x`` and, with the root on sys.path, a bare ``test_x``.
    inside = [name for name in names if name.startswith(f"{package}.") or "." not in name]
    return sorted({name for name in inside if _is_test_module(name.rsplit(".", 1)[-1])})


def _is_test_module(name: str) -> bool:
    return name == "conftest" or name.startswith("test_")


@pytest.mark.parametrize(
    "source",
    [
        "from tests.test_api import API",
        "from tests import test_api",
        "import tests.test_admin",
        "from tests.conftest import CHROMIUM",
        "from .test_history import revert_url",
        "from . import test_import_ods",
        "import test_api",
        "def f():\n    from tests.test_api import commit_now\n",
    ],
)
def test_the_import_check_sees_every_way_of_importing_a_test_module(source):
    assert imported_test_modules(source) != []


def test_the_import_check_lets_shared_modules_through():
    source = "from tests import builders\nfrom tests.builders import org\nfrom tests.concurrent import in_threads\n"

    assert imported_test_modules(source) == []


def test_no_test_module_imports_another():
    offenders = {
        str(path.relative_to(ROOT)): imported
        for path in sorted(TESTS.rglob("*.py"))
        if (imported := imported_test_modules(path.read_text()))
    }

    assert offenders == {}, "shared helpers belong in tests/builders.py"


def named_test_modules(readme: str) -> set[str]:
    """The test modules a README names in backticks, by their path from ``tests/`` (``domain/test_tree.py``)."""
    return set(re.findall(r"`((?:[\w.]+/)*test_\w+\.py)`", readme))


def test_the_readme_check_reads_paths_in_backticks_only():
    readme = "| `domain/test_tree.py`, `test_house.py` | the tree |\nsee test_paths.py and `ingest/ods/test_files.py`\n"

    assert named_test_modules(readme) == {"domain/test_tree.py", "test_house.py", "ingest/ods/test_files.py"}


def test_every_test_module_is_described_in_the_readme():
    named = named_test_modules((TESTS / "README.md").read_text())
    modules = {path.relative_to(TESTS).as_posix() for path in TESTS.rglob("test_*.py")}

    assert sorted(modules - named) == [], "say what each module tests in tests/README.md"


def test_every_command_is_described_in_the_management_readme():
    commands = {path.name for path in (APP / "management" / "commands").glob("*.py") if path.name != "__init__.py"}
    readme = (APP / "management" / "README.md").read_text()

    assert sorted(name for name in commands if f"`{name}`" not in readme) == [], "say what it does in its README"


def test_governance_keeps_few_loose_modules():
    loose = sorted(path.name for path in APP.glob("*.py"))

    assert len(loose) <= MAX_LOOSE_MODULES, f"{loose}: put new modules in the folder of their concern"


def test_every_folder_says_what_it_holds_and_must_not_do():
    packages = [init.parent for init in APP.rglob("__init__.py") if init.parent != APP]
    folders = [path for path in packages if not any(path.is_relative_to(skip) for skip in NO_README_NEEDED)]
    assert APP / "domain" in folders  # the walk found the packages
    folders += [ROOT / "tools", TESTS]

    without = [str(path.relative_to(ROOT)) for path in folders if not (path / "README.md").is_file()]

    assert without == []


def imported_governance_packages(source: str, package: str) -> set[str]:
    """The packages of ``governance`` (``reading``, ``api``…) that ``source``, a module of ``package``
    (``governance.domain``; a package's ``__init__`` is of that package), imports, however it imports them."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the package, one level up per dot after the first
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], *filter(None, [node.module])])
            else:
                base = node.module
            names += [base, *(f"{base}.{alias.name}" for alias in node.names)]
    return {name.split(".")[1] for name in names if name.startswith("governance.")}


@pytest.mark.parametrize(
    "source",
    [
        "from governance.reading import as_of",
        "from governance.reading.paths import representation_path",
        "import governance.reading.paths",
        "from governance import reading",
        "from ..reading import as_of",
        "from .. import reading",
        "def f():\n    from governance.reading import as_of\n",
    ],
)
def test_the_floor_check_sees_every_way_of_importing_a_package(source):
    assert imported_governance_packages(source, "governance.domain") == {"reading"}


def test_the_floor_check_reads_relative_imports_from_where_they_are():
    assert imported_governance_packages("from . import rules", "governance.domain") == {"domain"}
    assert imported_governance_packages("from .paths import SystemGraph", "governance.reading") == {"reading"}
    assert imported_governance_packages("from ..ods import files", "governance.ingest.ods") == {"ingest"}


def test_no_import_runs_back_up_between_the_packages():
    offenders = {}
    for path in sorted(APP.rglob("*.py")):
        parts = path.relative_to(APP).parts
        if len(parts) < 2 or parts[0] not in NOT_IMPORTED_BY:
            continue
        package = ".".join(["governance", *parts[:-1]])
        wrong = imported_governance_packages(path.read_text(), package) & NOT_IMPORTED_BY[parts[0]]
        if wrong:
            offenders[str(path.relative_to(ROOT))] = sorted(wrong)

    assert offenders == {}, "an import back up: move what both need down to the lower floor"


def test_no_module_passes_600_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in sorted(APP.rglob("*.py"))
        if not path.is_relative_to(MIGRATIONS) and (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }

    assert long == {}, "split by concept: one module per concept"


def _pytest(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run pytest in a process of its own, on SQLite, with only ``env``'s requirements set."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REQUIRE_POSTGRES", "REQUIRE_BROWSER", "ICSMAP_CHROMIUM", "PYTEST_ADDOPTS"}
    }
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", *args]
    return subprocess.run(command, cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120)


def test_a_required_marker_that_cannot_run_fails_the_run():
    # One run for both markers (a process of its own costs seconds): no Chromium at the path
    # given, and SQLite, under which test_concurrency's PostgreSQL tests skip. Without the
    # REQUIRE_… variables the same run passes: every run of the suite on SQLite shows that.
    run = _pytest(
        ["tests/domain/test_concurrency.py"],
        {"REQUIRE_BROWSER": "1", "REQUIRE_POSTGRES": "1", "ICSMAP_CHROMIUM": "/nonexistent/chromium"},
    )

    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.stdout + run.stderr
    assert "FAILED: REQUIRE_BROWSER=1 but there is no Chromium at /nonexistent/chromium\n" in run.stdout
    assert (
        "FAILED: REQUIRE_POSTGRES=1 but the database is sqlite; skipped postgres tests:\n"
        "  tests/domain/test_concurrency.py::" in run.stdout
    )
