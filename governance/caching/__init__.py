"""What icsmap keeps between requests, all of it keyed by the data version (``versioning``) or by
the part of it that organisations and links move.

- ``versioning``: the data version, read at most twice a second per process, and inside its key
  the organisations' version (which a seat, person or holder edit leaves as it was);
- ``pages``: rendered pages and API answers for anonymous readers;
- ``memo``: ``per_data_version`` and ``LatestPerName``, the memos (each registers itself for ``reset()``);
- England's structure of every date (``governance.reading.as_of``: its organisations and links per
  organisations' version, its seats and holders per data version), system graphs by their last change
  and by what they are built from (``governance.reading.paths``'s ``cached_graph``: a system's graphs
  outlive a write to another system's seats) and organisations looked up by code
  (``cached_organisation``, per organisations' version): memos in each process; and the sources' ages
  (``governance.reading.sources.cached_source_ages``) and the home page's counts of a date
  (``governance.reading.directory``), each a ``memo.per_data_version``.

Nothing here is invalidated by hand: a committed write bumps the version (and the organisations'
one when it changed an organisation), and every key moves with it. ``reset()`` is for when the
database changed behind the version's back; ``warm()`` fills the memos of a server's worker as it
starts (``gunicorn.conf.py``).
"""

import logging

logger = logging.getLogger(__name__)


def reset() -> None:
    """Forget everything cached: the remembered version, stored pages and answers, graphs, lookups.

    For a database changed without a bump (restored from a backup, or a test's writes,
    which are rolled back rather than committed).
    """
    from django.core.cache import caches

    from governance.caching import memo, pages, versioning

    versioning.clear()
    caches[pages.CACHE].clear()
    memo.clear()


def warm() -> None:
    """Read now what a worker's first requests would: the data version, England's structure of it and
    every system's graphs (each at every change day), so that the first answer does not wait for them.

    For a server's worker as it starts (``gunicorn.conf.py``'s ``post_worker_init``), never at the import
    of a module that commands and tests import too. A database that cannot be read (not migrated yet)
    is logged and left for the first request to report.
    """
    from django.db import DatabaseError
    from django.utils import timezone

    from governance.caching import versioning
    from governance.reading import as_of, paths

    try:
        version = versioning.latest().key
        structure = as_of.england(version)
        today = timezone.localdate()
        for unit in structure.systems_on(today):
            paths.cached_graph(unit.pk, today, version)
    except DatabaseError as error:
        logger.warning("Not warmed: the database could not be read (%s).", error)
