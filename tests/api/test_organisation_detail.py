"""An organisation's detail in the API shows what its page shows, from one reader each (governance.reading).

Where it sits (``structure.ancestors``) and what is under it (``structure.child_counts``) are
read once for both: the page's breadcrumb and counts and the API's ``ancestors`` and
``child_counts`` agree on any date, the day before and the day of a move alike.
"""

import datetime

import pytest

from tests import builders
from tests.builders import API, ICBS_LAST_DAY, PCN_MOVE_DAY, SUCCESSIONS_DAY, history

pytestmark = pytest.mark.django_db

api = builders.api_client  # a DRF client, as the API tests use it
DAYS = [PCN_MOVE_DAY - datetime.timedelta(days=1), PCN_MOVE_DAY, ICBS_LAST_DAY, SUCCESSIONS_DAY]


@pytest.fixture
def essex():
    return history()


@pytest.mark.parametrize("code", ["F81001", "U00101", "06Q", "QH8", "D7T5G"])
@pytest.mark.parametrize("day", DAYS)
def test_the_api_detail_and_the_page_say_the_same_ancestors_and_counts(client, api, essex, code, day):
    shown = client.get(f"/organisations/{code}/", {"date": day.isoformat()}).context
    detail = api.get(f"{API}/organisations/{code}/", {"date": day.isoformat()}).json()

    assert detail["ancestors"] == shown["ancestors"]
    assert detail["child_counts"] == {count["kind"]: count["n"] for count in shown["child_counts"]}


def test_both_follow_the_practice_that_moved_pcn(api, essex):
    def parents(day):
        return [
            a["code"] for a in api.get(f"{API}/organisations/F81001/", {"date": day.isoformat()}).json()["ancestors"]
        ]

    assert parents(PCN_MOVE_DAY - datetime.timedelta(days=1)) == ["QH8", "06Q", "U00101"]
    assert parents(SUCCESSIONS_DAY) == ["D7T5G", "06Q", "U00102"]
