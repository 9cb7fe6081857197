"""The NHS.UK frontend's compiled CSS, made local: no font CDN, no absolute asset paths.

The package's stylesheet loads the Frutiger web font from a CDN and points its icons
at ``/assets/…``. ``localise_css`` drops every ``@font-face`` whose source is on another
host, swaps the Frutiger family for the system font stack, and makes asset URLs
relative to the stylesheet (which is served beside the package's ``assets/`` folder).

Run by ``make install`` after ``npm ci`` (no Django needed)::

    python -m tools.frontend

It writes ``node_modules/.icsmap/nhsuk/nhsuk-frontend.local.min.css``, which Django
serves as ``static/nhsuk/nhsuk-frontend.local.min.css`` (see STATICFILES_DIRS).
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
BUILD = ROOT / "node_modules" / ".icsmap"
SOURCE_NAME = "nhsuk-frontend.min.css"
LOCAL_NAME = "nhsuk-frontend.local.min.css"
SYSTEM_FONTS = 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif'

_FONT_FACE = re.compile(r"@font-face\s*\{[^{}]*\}")
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?(?:https?:)?//", re.IGNORECASE)
_FRUTIGER = re.compile(r"['\"]?Frutiger W01['\"]?\s*,\s*arial\s*,\s*sans-serif", re.IGNORECASE)
_ROOT_ASSETS = re.compile(r"url\((['\"]?)/assets/")
_SOURCE_MAP = re.compile(r"/\*#\s*sourceMappingURL=[^*]*\*/")


def localise_css(css: str) -> str:
    """``css`` without external fonts, with the system font stack and relative asset URLs."""
    css = _FONT_FACE.sub(lambda match: "" if _EXTERNAL_URL.search(match.group(0)) else match.group(0), css)
    css = _FRUTIGER.sub(SYSTEM_FONTS, css)
    css = _ROOT_ASSETS.sub(r"url(\1assets/", css)
    return _SOURCE_MAP.sub("", css)


def external_urls(css: str) -> list[str]:
    """The ``url(…)`` and ``@import`` targets of ``css`` that name another host."""
    found = re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", css, re.IGNORECASE)
    found += re.findall(r"@import\s+(?:url\()?['\"]?((?:https?:)?//[^)'\";]+)", css, re.IGNORECASE)
    return found


def build(dist: Path = DIST, out: Path = BUILD) -> Path:
    """Write the localised stylesheet under ``out/nhsuk/`` and return its path."""
    source = dist / SOURCE_NAME
    css = localise_css(source.read_text(encoding="utf-8"))
    leftovers = external_urls(css)
    if leftovers:
        raise SystemExit(f"{source}: external URLs left after localising: {', '.join(sorted(set(leftovers)))}")
    target = out / "nhsuk" / LOCAL_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(css, encoding="utf-8")
    return target


if __name__ == "__main__":
    if not (DIST / SOURCE_NAME).exists():
        sys.exit(f"{DIST / SOURCE_NAME} is missing: run `npm ci` first.")
    print(f"wrote {build().relative_to(ROOT)}")
