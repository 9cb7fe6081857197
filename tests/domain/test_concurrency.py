"""Concurrent structural writes through the tree service leave the tree whole (PostgreSQL only).

django-mptt takes no locks; without the service's advisory lock these threads
corrupt lft/rght within seconds.
"""

import functools
import random

import pytest
from django.db import connection

from governance.domain import tree, tree_check
from governance.models import Organisation
from tests.builders import org
from tests.concurrent import in_threads, raised

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
EDITS_PER_THREAD = 30


def test_eight_threads_of_structural_writes_keep_the_tree_whole():
    assert connection.vendor == "postgresql"
    places = []
    for icb_code in ("QAA", "QBB", "QCC"):
        icb = org(icb_code, "icb")
        places += [org(f"{icb_code}-{i}", "place", icb) for i in range(3)]
    place_codes = [p.code for p in places]
    created, deleted = [], []

    def editor(n: int):
        rng = random.Random(n)
        for i in range(EDITS_PER_THREAD):
            action = rng.choice(["create", "create", "move", "delete"])
            mine = [code for code in created if code.startswith(f"T{n}-") and code not in deleted]
            if action == "create" or not mine:
                parent = Organisation.objects.get(code=rng.choice(place_codes))
                code = f"T{n}-{i}"
                tree.create_organisation(code=code, name=code, kind="pcn", parent=parent)
                created.append(code)
            elif action == "move":
                node = Organisation.objects.get(code=rng.choice(mine))
                tree.move_organisation(node, Organisation.objects.get(code=rng.choice(place_codes)))
            else:
                victim = rng.choice(mine)
                tree.delete_organisation(Organisation.objects.get(code=victim))
                deleted.append(victim)

    outcomes = in_threads(*(functools.partial(editor, n) for n in range(THREADS)))

    assert raised(outcomes) == []
    diagnosis = tree_check.diagnose()
    assert diagnosis.ok, [str(p) for p in diagnosis.problems[:10]]
    survivors = set(Organisation.objects.filter(kind="pcn").values_list("code", flat=True))
    assert survivors == set(created) - set(deleted)  # no edit lost
