"""What the browser tests share: Chromium, a tab on the live server, axe-core's verdict on a page.

Every browser module takes them from here (Chromium itself and a tab are built in tests/builders.py).
Every tab records what the Content-Security-Policy blocked (``csp_violations``) and requests to
any other host (``requests_elsewhere``), and leaves a full-page screenshot in tests/screenshots/.
"""

from pathlib import Path

import pytest

from tests import builders

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# What fails an accessibility test; axe's "moderate" and "minor" findings are printed, not fatal.
FATAL_IMPACTS = {"serious", "critical"}

browser = builders.browser  # Chromium, one per module (tests/builders.py)


@pytest.fixture
def page(browser, live_server, request):
    """A tab on the live server (1200 px wide) that records requests elsewhere and CSP blocks, photographed."""
    with builders.browser_tab(browser, live_server.url, request.node.name, width=1200) as tab:
        yield tab


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
            builders.screenshot(tab, f"axe-{name}")
            fatal = [v for v in result["violations"] if v["impact"] in FATAL_IMPACTS]
            if fatal:
                found.append(f"{url}:\n{_report(fatal)}")
            elif result["violations"]:
                print(f"axe, {url} (not fatal):\n{_report(result['violations'])}")
        return found

    return failures
