"""The publisher's newest files, fetched for ``refresh_ods`` (the download stage, before read).

``settings.ODS_PUBLISHED_FILES`` gives one address per role of ``OdsFiles`` that the
publisher keeps current (a role without one keeps its shipped file). ``fetch`` downloads
each into a folder and gives the ``OdsFiles`` to import; ``--base-url`` replaces the
scheme and host of every address (a mirror, a test server), keeping its path.

Only the transfer is checked here: an HTTP error, a body shorter than its Content-Length,
one larger than ``settings.ODS_DOWNLOAD_MAX_BYTES`` (the readers' own limit by default),
and a ``.zip`` that does not hold exactly one file. Whether the content is an epraccur, an
ePCN workbook or a lookup is for the readers (``files``, ``tables``): there is no second
validator. Must not write to the database; nothing else in icsmap downloads.
"""

import dataclasses
import http.client
import shutil
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from django.conf import settings

from governance.ingest.ods import OdsImportError
from governance.ingest.ods.read import SHIPPED, OdsFiles

TIMEOUT = 60  # seconds without a byte before a download is given up
CHUNK = 1024 * 1024


class OdsDownloadError(OdsImportError):
    """A download that cannot be used: an HTTP error, a truncated or oversized body, a zip of the wrong shape."""


def addresses(base_url: str | None = None) -> dict[str, str]:
    """Each role's address (``settings.ODS_PUBLISHED_FILES``), on ``base_url``'s scheme and host when given."""
    found = {role: url for role, url in settings.ODS_PUBLISHED_FILES.items() if url}
    unknown = sorted(set(found) - {f.name for f in dataclasses.fields(OdsFiles)})
    if unknown:
        raise OdsDownloadError(f"ODS_PUBLISHED_FILES names roles the importer does not read: {', '.join(unknown)}")
    if not base_url:
        return found
    base = urllib.parse.urlsplit(base_url)
    if base.scheme not in ("http", "https") or not base.netloc:
        raise OdsDownloadError(f"--base-url {base_url!r} is not an http(s) address such as https://mirror.example")
    prefix = base.path.rstrip("/")
    return {
        role: urllib.parse.urlunsplit((base.scheme, base.netloc, prefix + urllib.parse.urlsplit(url).path, "", ""))
        for role, url in found.items()
    }


def download(url: str, into: Path) -> Path:
    """``url`` saved in the folder ``into`` under its own name; refused (``OdsDownloadError``) if it is unusable."""
    limit = settings.ODS_DOWNLOAD_MAX_BYTES
    name = PurePosixPath(urllib.parse.urlsplit(url).path).name or "download"
    target = into / name
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 - http(s) only (addresses)
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise OdsDownloadError(f"{url}: {int(declared):,} bytes, more than the limit of {limit:,}")
            size = 0
            with target.open("wb") as out:
                while chunk := response.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise OdsDownloadError(f"{url}: more than the limit of {limit:,} bytes")
                    out.write(chunk)
    except urllib.error.HTTPError as error:
        raise OdsDownloadError(f"{url}: the server answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:  # refused, timed out, cut short
        reason = getattr(error, "reason", error)
        raise OdsDownloadError(f"{url}: the download failed ({reason})") from None
    if declared and declared.isdigit() and size != int(declared):
        raise OdsDownloadError(f"{url}: truncated: {size:,} of {int(declared):,} bytes arrived")
    if name.lower().endswith(".zip"):
        return unzip_one(target, url, limit)
    return target


def unzip_one(archive: Path, url: str, limit: int) -> Path:
    """The one file the publisher's zip holds (epraccur.zip → epraccur.csv), extracted beside it."""
    try:
        with zipfile.ZipFile(archive) as opened:
            members = [info for info in opened.infolist() if not info.is_dir()]
            if len(members) != 1:
                raise OdsDownloadError(f"{url}: the zip holds {len(members)} files, not one")
            member = members[0]
            if member.file_size > limit:
                raise OdsDownloadError(f"{url}: {member.filename} unzips to more than the limit of {limit:,} bytes")
            target = archive.with_name(PurePosixPath(member.filename).name)
            with opened.open(member) as source, target.open("wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        raise OdsDownloadError(f"{url}: not a usable zip ({error})") from None
    archive.unlink()
    return target


def fetch(into: Path, base_url: str | None = None, done: Callable[[str], None] | None = None) -> OdsFiles:
    """Download every published file into ``into``: the files of an import (the shipped ones for the other roles)."""
    done = done or (lambda line: None)
    downloaded = {}
    for role, url in addresses(base_url).items():
        folder = into / role  # one folder each: two roles may share a file name
        folder.mkdir()
        downloaded[role] = download(url, folder)
        done(f"{role}: {url} ({downloaded[role].stat().st_size:,} bytes)")
    return dataclasses.replace(SHIPPED, **downloaded)
