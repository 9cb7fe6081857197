"""``manage.py refresh_ods``: the publisher's newest files downloaded, checked, imported with history.

The "publisher" is a local HTTP server on 127.0.0.1 (a free port, in a thread) serving a
folder the tests fill; the settings' addresses are on a host that does not exist, and
``--base-url`` points them at the server: nothing here reaches another host.
"""

import dataclasses
import http.server
import threading
import zipfile
from functools import partial
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from governance.ingest.ods import download
from governance.models import Organisation
from tests.builders import ODS_SLICES, SET_2023, database_state

pytestmark = pytest.mark.django_db

PUBLISHED = {
    "epraccur": "https://publisher.invalid/assets/ods/current/epraccur.zip",
    "epcn": "https://publisher.invalid/assets/ods/current/ePCN.zip",
    "lookup": "https://publisher.invalid/lookups/LOC22_slice.csv",
}
EPRACCUR_2025 = ODS_SLICES / "epraccur_2025-02_slice.csv"
EPCN_2025 = ODS_SLICES / "ePCN_2025-01_slice.xlsx"


class Publisher(http.server.SimpleHTTPRequestHandler):
    """Serves the folder; a file named in ``cut_short`` is sent with a Content-Length it does not keep."""

    cut_short: set = set()

    def do_GET(self):  # http.server calls it by this name
        name = self.path.rsplit("/", 1)[-1]
        if name in self.cut_short:
            body = (self.directory_path / self.path.lstrip("/")).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            return
        super().do_GET()

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def publisher(tmp_path, settings, monkeypatch):
    """A folder served over HTTP on 127.0.0.1: ``publish(epraccur, epcn)`` puts files there; yields its helpers.

    The roles without an address keep the shipped files; the shipped August 2026 snapshot, patients,
    renamings and ODS's division are England's, which the slices served here are not, so they are
    left out (as ``import_ods`` leaves them out beside files other than the shipped ones).
    """
    monkeypatch.setattr(
        download,
        "SHIPPED",
        dataclasses.replace(download.SHIPPED, division=None, practice_map=None, patients=None, renames=None),
    )
    folder = tmp_path / "published"
    (folder / "assets" / "ods" / "current").mkdir(parents=True)
    (folder / "lookups").mkdir()
    (folder / "lookups" / "LOC22_slice.csv").write_bytes(SET_2023.lookup.read_bytes())
    settings.ODS_PUBLISHED_FILES = PUBLISHED
    handler = type("Handler", (Publisher,), {"cut_short": set(), "directory_path": folder})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def publish(epraccur=SET_2023.epraccur, epcn=SET_2023.epcn):
        current = folder / "assets" / "ods" / "current"
        with zipfile.ZipFile(current / "epraccur.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(epraccur, "epraccur.csv")
        with zipfile.ZipFile(current / "ePCN.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(epcn, "ePCN.xlsx")

    publish()
    yield {
        "url": f"http://127.0.0.1:{server.server_address[1]}",
        "folder": folder,
        "publish": publish,
        "cut_short": handler.cut_short,
    }
    server.shutdown()
    server.server_close()


def refresh(publisher, *args) -> str:
    out = StringIO()
    call_command("refresh_ods", "--base-url", publisher["url"], *args, stdout=out)
    return out.getvalue()


def test_the_published_files_are_downloaded_and_imported_and_what_changed_is_said(publisher):
    said = refresh(publisher)

    assert f"Downloaded epraccur: {publisher['url']}/assets/ods/current/epraccur.zip" in said
    assert "What changed since the last import:\n  22 practices opened (or reopened):" in said
    assert Organisation.objects.filter(kind="practice").count() == 22

    publisher["publish"](EPRACCUR_2025, EPCN_2025)
    said = refresh(publisher)

    assert "11 practices that moved to another PCN (or, without one, another place):" in said
    assert "4 new PCNs:" in said
    assert "5 practices closed:" in said
    assert "U17992: " in said and "→ BARROW TOGETHER PCN" in said
    assert Organisation.objects.get(code="A82033").parent.code == "U16644"


def test_the_same_files_again_change_nothing(publisher):
    refresh(publisher)
    before = database_state()

    said = refresh(publisher)

    assert "Nothing changed in practices, PCNs or names since the last import." in said
    assert said.rstrip().endswith("Nothing was written.")
    assert database_state() == before


def test_a_dry_run_downloads_and_checks_and_says_what_would_change_writing_nothing(publisher):
    refresh(publisher)
    publisher["publish"](EPRACCUR_2025, EPCN_2025)
    before = database_state()

    said = refresh(publisher, "--dry-run")

    assert "What would change since the last import:" in said
    assert "11 practices that moved to another PCN" in said
    assert said.rstrip().endswith("Dry run: nothing was written.")
    assert database_state() == before


def _missing(publisher, settings):
    (publisher["folder"] / "assets" / "ods" / "current" / "ePCN.zip").unlink()
    return "ePCN.zip: the server answered 404 File not found"


def _cut_short(publisher, settings):
    publisher["cut_short"].add("epraccur.zip")
    return "epraccur.zip: truncated: 746 of 1,493 bytes arrived"


def _malformed(publisher, settings):
    publisher["publish"](epcn=EPRACCUR_2025)  # a csv where the workbook should be
    return "ePCN.xlsx: not a readable Excel workbook"


def _too_large(publisher, settings):
    settings.ODS_DOWNLOAD_MAX_BYTES = 1_000
    return "more than the limit of 1,000"


def _two_files_in_the_zip(publisher, settings):
    with zipfile.ZipFile(publisher["folder"] / "assets" / "ods" / "current" / "epraccur.zip", "a") as archive:
        archive.writestr("readme.txt", "hello")
    return "epraccur.zip: the zip holds 2 files, not one"


def _not_a_zip(publisher, settings):
    (publisher["folder"] / "assets" / "ods" / "current" / "epraccur.zip").write_bytes(b"<html>moved</html>")
    return "epraccur.zip: not a usable zip"


def _bad_rows(publisher, settings, tmp_path):
    broken = tmp_path / "epraccur.csv"
    broken.write_text(EPRACCUR_2025.read_text().replace('"19740401"', '"1974-04-01"', 1))
    publisher["publish"](epraccur=broken, epcn=EPCN_2025)
    return "epraccur.csv, row"


@pytest.mark.parametrize(
    "breaks", [_missing, _cut_short, _malformed, _too_large, _two_files_in_the_zip, _not_a_zip, _bad_rows]
)
def test_a_broken_download_is_refused_with_a_clear_message_and_nothing_changed(publisher, settings, tmp_path, breaks):
    refresh(publisher)
    before = database_state()
    expected = breaks(publisher, settings, tmp_path) if breaks is _bad_rows else breaks(publisher, settings)

    with pytest.raises(CommandError) as refused:
        refresh(publisher)

    assert expected in str(refused.value)
    assert str(refused.value).endswith("Nothing was changed.")
    assert database_state() == before


def test_a_base_url_must_be_an_http_address(publisher):
    with pytest.raises(CommandError, match="is not an http\\(s\\) address"):
        call_command("refresh_ods", "--base-url", "file:///etc", stdout=StringIO())
    assert Organisation.objects.count() == 0
