"""A worker warmed as it starts (``caching.warm``, from ``gunicorn.conf.py``): its first path reads one row."""

import logging
from unittest import mock

import pytest
from django.db import DatabaseError
from django.utils import timezone

from governance import caching
from governance.caching import versioning
from governance.reading import as_of, paths
from tests.builders import set_top_board, system_a

pytestmark = pytest.mark.django_db


def test_a_warmed_worker_answers_its_first_path_with_one_query(django_assert_num_queries):
    a = system_a()
    set_top_board(a["qaa"], a["board"])
    caching.reset()

    caching.warm()

    with django_assert_num_queries(1):  # the organisation by its code; England and the graphs are in memory
        path = paths.representation_path("P00001", version=versioning.latest().key)
    assert path["reaches_top"]


def test_warming_builds_every_open_systems_graphs():
    system_a()
    caching.reset()

    with mock.patch.object(paths, "system_graphs", wraps=paths.system_graphs) as built:
        caching.warm()

    assert [call.args[0] for call in built.call_args_list] == [
        unit.pk for unit in as_of.england().systems_on(timezone.localdate())
    ]


def test_a_database_that_cannot_be_read_is_logged_not_raised(caplog):
    caching.reset()
    unreadable = mock.patch.object(versioning, "latest", side_effect=DatabaseError("no such table"))
    with unreadable, caplog.at_level(logging.WARNING, logger="governance.caching"):
        caching.warm()

    assert "Not warmed" in caplog.text and "no such table" in caplog.text
