"""What the browser tests share: Chromium, a tab on the live server, axe-core's verdict on a page.

``test_browser.py`` keeps its own copies of the first two (module fixtures shadow these); the
later modules (the admin's pages, the suggestion form) take them from here.
Every tab records what the Content-Security-Policy blocked (``csp_violations``) and requests to
any other host (``requests_elsewhere``), and leaves a full-page screenshot in tests/screenshots/.
"""

import os
from pathlib import Path

import pytest

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# What fails an accessibility test; axe's "moderate" and "minor" findings are printed, not fatal.
FATAL_IMPACTS = {"serious", "critical"}


def _screenshot(tab, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.fixture(scope="module")
def browser(chromium_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # between browser steps are plain synchronous ones.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=chromium_path, args=ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server, request):
    """A tab on the live server that records requests to anywhere else and CSP blocks, photographed at the end."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, base_url=live_server.url)
    tab = context.new_page()
    tab.set_default_timeout(5000)
    tab.requests_elsewhere = []
    tab.csp_violations = []
    tab.on(
        "console",
        lambda message: tab.csp_violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    tab.on(
        "request",
        lambda request: (
            None if request.url.startswith((live_server.url, "data:")) else tab.requests_elsewhere.append(request.url)
        ),
    )
    yield tab
    try:
        if tab.url.startswith(live_server.url):
            _screenshot(tab, request.node.name)
    finally:
        context.close()


def _report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(
                f"      {' '.join(map(str, node['target']))}: {node.get('failureSummary', '').splitlines()[-1:]}"
            )
        if len(v["nodes"]) > 5:
            lines.append(f"      … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.fixture
def axe():
    """``axe(tab, [(name, url), …])``: axe-core's serious and critical findings on each page (the rest printed).

    axe is evaluated by the driver, not added as an inline <script> the policy would (rightly) block.
    """
    if not AXE.exists():
        pytest.skip(f"needs axe-core at {AXE.relative_to(ROOT)} (npm ci, or make install)")
    source = AXE.read_text()

    def failures(tab, pages, *, not_ours=()) -> list[str]:
        """``not_ours``: rules left out, for markup a vendored page draws and the site cannot change."""
        options = {"resultTypes": ["violations"], "rules": {rule: {"enabled": False} for rule in not_ours}}
        found = []
        for name, url in pages:
            if url is not None:  # None: the page the tab shows (a form's answer to a post, say)
                tab.goto(url)
            url = url or tab.url
            tab.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
            tab.evaluate(source)
            result = tab.evaluate("options => axe.run(document, options)", options)
            assert result["passes"], f"axe checked nothing on {url}"
            _screenshot(tab, f"axe-{name}")
            fatal = [v for v in result["violations"] if v["impact"] in FATAL_IMPACTS]
            if fatal:
                found.append(f"{url}:\n{_report(fatal)}")
            elif result["violations"]:
                print(f"axe, {url} (not fatal):\n{_report(result['violations'])}")
        return found

    return failures
