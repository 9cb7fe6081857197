"""A source more than six months old is said plainly where the reader looks: pages, timeline, pictures' captions."""

import datetime
import re

import pytest
from django.utils import timezone

from governance.domain.dates import in_words
from governance.models import Dataset
from tests.builders import set_top_board, system_a

pytestmark = pytest.mark.django_db


@pytest.fixture
def ages():
    """System A with its top board, PCN memberships 200 days old and practices 30 days old."""
    built = system_a()
    set_top_board(built["qaa"], built["board"])
    today = timezone.localdate()
    old, recent = today - datetime.timedelta(days=200), today - datetime.timedelta(days=30)
    for role, data_date in (("pcns", old), ("practices", recent)):
        Dataset.objects.create(role=role, file=f"{role}.csv", data_date=data_date, imported_at=timezone.now())
    return {
        "stale": f"PCN memberships as last published on {in_words(old)} — more than six months old",
        "fresh": f"GP practices as last published on {in_words(recent)}",
    }


def text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.mark.parametrize("url", ["/", "/organisations/QAA/", "/organisations/P00001/", "/systems/QAA/timeline/"])
def test_a_page_warns_of_the_stale_source_and_not_of_the_recent_one(client, ages, url):
    page = text(client, url)

    warning = "Data more than six months old What this page shows relies on data that may have changed since:"
    assert f"{warning} {ages['stale']}." in page
    assert ages["fresh"] not in page


def test_nothing_is_stale_nothing_is_warned(client, ages):
    Dataset.objects.filter(role="pcns").update(data_date=timezone.localdate())

    assert "more than six months old" not in text(client, "/organisations/P00001/")


@pytest.mark.parametrize("url", ["/organisations/P00001/ladder.svg", "/organisations/QAA/diagram.svg"])
def test_a_pictures_caption_says_every_sources_age(client, ages, url):
    svg = client.get(url).content.decode()

    drawn = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    assert ages["stale"] in drawn and ages["fresh"] in drawn
    description = re.search(r"<desc id=\"picture-desc\">([^<]*)</desc>", svg).group(1)
    assert ages["stale"] in description


@pytest.mark.parametrize(("days", "said"), [(200, True), (30, False)])
def test_a_systems_governance_verified_long_ago_says_so_where_its_date_stands(client, days, said):
    built = system_a()
    set_top_board(built["qaa"], built["board"])
    verified = timezone.localdate() - datetime.timedelta(days=days)
    built["qaa"].governance_source, built["qaa"].verified_on = "https://example.nhs.uk/board", verified
    built["qaa"].save()
    stale = f"{in_words(verified)} — more than six months ago"

    for url in ("/", "/organisations/QAA/", "/systems/compare/"):
        page = text(client, url)
        assert in_words(verified) in page, url
        assert (stale in page) is said, url
