"""LMCs across systems (DESIGN.md, "LMCs across systems"): the loader's ``covers`` of any system's places,
PCNs and practices, an LMC's ``source``, ``seen`` and ``also_known_as``, and what it still refuses."""

import pytest

from governance import governance_file as loading
from governance.governance_file import write
from governance.models import Coverage, Organisation
from tests.builders import SPANNING_LMC, load_text, org, two_counties

pytestmark = pytest.mark.django_db


def covered_codes() -> list[str]:
    return sorted(Coverage.objects.filter(lmc__code="lmc-surrey-sussex").values_list("covered__code", flat=True))


def test_an_lmc_covers_a_place_of_its_system_and_a_pcn_of_another(tmp_path):
    two_counties()
    report = load_text(tmp_path, SPANNING_LMC)

    assert covered_codes() == ["92A", "U09D1"]
    lmc = Organisation.objects.get(code="lmc-surrey-sussex")
    assert lmc.get_root().code == "QXU"  # its home system's tree
    assert any("covers +92A, +U09D1" in line for line in report.changes)


def test_its_source_names_and_a_page_without_a_date(tmp_path):
    two_counties()
    load_text(tmp_path, SPANNING_LMC)

    lmc = Organisation.objects.get(code="lmc-surrey-sussex")
    assert lmc.governance_source == "https://www.sslmcs.co.uk/aboutus"
    assert lmc.verified_on is None  # "date not shown"
    assert lmc.usual_names == ["Surrey and Sussex LMCs", "SSLMCs"]


def test_seen_left_out_later_clears_the_date_the_file_gave_before(tmp_path):
    two_counties()
    load_text(tmp_path, SPANNING_LMC.replace("    covers:", "    seen: 2025-10-15\n    covers:"))
    assert Organisation.objects.get(code="lmc-surrey-sussex").verified_on.isoformat() == "2025-10-15"

    load_text(tmp_path, SPANNING_LMC)
    assert Organisation.objects.get(code="lmc-surrey-sussex").verified_on is None


def test_loading_it_again_changes_nothing(tmp_path):
    two_counties()
    load_text(tmp_path, SPANNING_LMC)
    assert not load_text(tmp_path, SPANNING_LMC).changed


def test_the_export_keeps_covers_across_systems_source_and_names(tmp_path):
    two_counties()
    load_text(tmp_path, SPANNING_LMC)
    data = write.governance_file(Organisation.objects.get(code="QXU"))
    entry = next(o for o in data["organisations"] if o["code"] == "lmc-surrey-sussex")

    assert entry["covers"] == ["92A", "U09D1"]
    assert entry["also_known_as"] == ["Surrey and Sussex LMCs", "SSLMCs"]
    assert entry["source"] == "https://www.sslmcs.co.uk/aboutus" and "seen" not in entry

    Coverage.objects.all().delete()
    path = tmp_path / "export.yaml"
    path.write_text(write.dump_yaml(data), encoding="utf-8")
    loading.load_governance([path])
    assert covered_codes() == ["92A", "U09D1"]


@pytest.mark.parametrize(
    ("covers", "where", "message"),
    [
        ("[92A, NOPE]", "covers[1]", "unknown covered organisation code 'NOPE': not in this file, nor in the database"),
        ("[qnx-board]", "covers[0]", "qnx-board is a board; an LMC covers places, PCNs or practices"),
        ("[QNX]", "covers[0]", "QNX is a icb; an LMC covers places, PCNs or practices"),
        ("[U09D1, U09D1]", "covers[1]", "U09D1 is listed twice"),
    ],
)
def test_bad_covers_of_another_system_are_refused_at_their_place(tmp_path, covers, where, message):
    counties = two_counties()
    org("qnx-board", "board", counties["sussex"], name="NHS Sussex ICB Board")
    with pytest.raises(loading.GovernanceFileError) as raised:
        load_text(tmp_path, SPANNING_LMC.replace("[92A, U09D1]", covers))

    assert f"organisations[0].{where}" in str(raised.value) and message in str(raised.value)
    assert not Organisation.objects.filter(code="lmc-surrey-sussex").exists()


@pytest.mark.parametrize(
    ("names", "message"),
    [("[Kent LMC, Kent LMC]", "Kent LMC is listed twice"), ("['']", "not a name on one line")],
)
def test_bad_usual_names_are_refused(tmp_path, names, message):
    two_counties()
    with pytest.raises(loading.GovernanceFileError) as raised:
        load_text(tmp_path, SPANNING_LMC.replace("[Surrey and Sussex LMCs, SSLMCs]", names))
    assert "also_known_as" in str(raised.value) and message in str(raised.value)


def test_an_lmc_still_sits_in_its_own_system(tmp_path):
    two_counties()
    with pytest.raises(loading.GovernanceFileError) as raised:
        load_text(tmp_path, SPANNING_LMC.replace("parent: QXU", "parent: 09D"))
    assert "organisations[0].parent" in str(raised.value) and "another system (QNX)" in str(raised.value)
