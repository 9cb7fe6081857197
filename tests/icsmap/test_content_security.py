"""The Content-Security-Policy: on every answer, with nothing inline that it would have to allow.

The browser tests (test_browser.py) check that pages, the admin and the API docs work under it.
"""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.builders import greater_manchester

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", ROOT / "governance" / "templates"]
INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),  # a script element without src
    re.compile(r"<style\b", re.IGNORECASE),
    re.compile(r"\sstyle=", re.IGNORECASE),
    re.compile(r"\son[a-z]+=", re.IGNORECASE),  # onclick=, onchange=, …
    re.compile(r"javascript:", re.IGNORECASE),
]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.fixture
def system():
    return greater_manchester(complete=True)


@pytest.fixture
def admin_client(system):
    client = Client()
    client.force_login(User.objects.create_superuser("csp-admin", password=None))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?q=bolton",
        "/organisations/QOP/",
        "/organisations/P00001/",
        "/systems/compare/",
        "/organisations/NOPE/",  # the 404 page
        "/organisations/P00001/?date=soon",  # the 400 page
        "/api/v1/organisations/",
        "/api/v1/organisations/?format=csv",
        "/api/docs/",
        "/api/docs/?script=",
        "/api/schema/",
        "/admin/login/",
        "/healthz",
    ],
)
def test_every_answer_carries_the_policy(client, system, url):
    response = client.get(url)

    rules = policy(response)
    assert rules["default-src"] == ["'self'"]
    assert rules["script-src"] == ["'self'"]
    assert rules["style-src"] == ["'self'"]
    assert rules["object-src"] == ["'none'"]
    assert rules["frame-ancestors"] == ["'none'"]
    assert rules["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"] or url.startswith("/admin/")
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_cached_pages_carry_the_policy_too(client, system):
    client.get("/organisations/QOP/")

    again = client.get("/organisations/QOP/")

    assert policy(again)["script-src"] == ["'self'"]


ADMIN_PAGES = ["/admin/", "/admin/governance/organisation/", "/admin/governance/organisation/recent-changes/"]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_the_admin_may_use_style_attributes_and_nothing_else_inline(admin_client, url):
    response = admin_client.get(url, follow=True)

    assert response.status_code == 200
    rules = policy(response)
    assert rules["style-src-attr"] == ["'unsafe-inline'"]  # django-mptt indents the tree with style=""
    assert rules["script-src"] == ["'self'"]
    assert rules["style-src"] == ["'self'"]


def test_the_api_docs_load_their_script_from_a_file(client, system):
    page = client.get("/api/docs/")
    html = page.content.decode()

    assert page.status_code == 200
    assert not INLINE[0].search(html) and not INLINE[1].search(html)
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', html)[1].replace("&amp;", "&")
    script = client.get(script_url)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.parametrize("url", ["/", "/organisations/QOP/", "/organisations/P00001/", "/systems/compare/"])
def test_pages_have_no_inline_script_or_style(client, system, url):
    html = client.get(url).content.decode()

    for pattern in INLINE:
        assert not pattern.search(html), (url, pattern.pattern)


def test_templates_have_no_inline_script_or_style():
    offending = [
        f"{path.relative_to(ROOT)}: {pattern.pattern}"
        for folder in TEMPLATE_DIRS
        for path in folder.rglob("*.html")
        for pattern in INLINE
        if pattern.search(path.read_text())
    ]

    assert offending == []
