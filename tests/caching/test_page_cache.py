"""Pages for anonymous readers come from the cache until a committed write changes the data."""

import pytest
from django.contrib.auth.models import User

from governance.models import Organisation
from tests.builders import org

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice():
    icb = org("QOP", "icb", name="NHS Greater Manchester ICB")
    return org("P00001", "practice", org("U00001", "pcn", org("00T", "place", icb)), name="Example Surgery")


def test_a_second_anonymous_visit_costs_one_query(client, practice, django_assert_max_num_queries):
    first = client.get("/organisations/P00001/")

    with django_assert_max_num_queries(1):  # the data version
        second = client.get("/organisations/P00001/")

    assert second.status_code == 200 and second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_a_first_visit_reads_the_data_version_once(client, practice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/organisations/P00001/").status_code == 200

    assert sum("governance_dataversion" in q["sql"] for q in captured.captured_queries) == 1


def test_revalidation_with_the_etag_is_a_304(client, practice):
    etag = client.get("/organisations/P00001/")["ETag"]

    assert client.get("/organisations/P00001/", headers={"if-none-match": etag}).status_code == 304
    assert client.get("/organisations/P00001/?date=2024-01-01", headers={"if-none-match": etag}).status_code == 200


def test_signed_in_users_always_get_a_fresh_page(client, practice, django_assert_max_num_queries):
    client.force_login(User.objects.create_user("editor", password="a long passphrase here"))
    client.get("/organisations/P00001/")
    Organisation.objects.filter(code="P00001").update(name="Renamed Surgery")  # no commit, no new version

    assert "Renamed Surgery" in client.get("/organisations/P00001/").content.decode()
    assert "ETag" not in client.get("/organisations/P00001/")


def test_errors_are_not_cached(client, practice):
    assert client.get("/organisations/NOPE/").status_code == 404
    org("NOPE", "pcn", Organisation.objects.get(code="00T"))

    assert client.get("/organisations/NOPE/").status_code == 200


@pytest.mark.django_db(transaction=True)  # real commits: the data version goes up
def test_a_committed_write_is_seen_at_once(client, practice):
    assert "Example Surgery" in client.get("/organisations/P00001/").content.decode()

    practice.name = "Renamed Surgery"
    practice.save()

    assert "Renamed Surgery" in client.get("/organisations/P00001/").content.decode()
