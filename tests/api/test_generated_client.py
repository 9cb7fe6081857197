"""A client generated from the schema works as generated: openapi-python-client against the live server.

Nobody here wrote that client, so it reads the API as any stranger's would: it asks for JSON
with its defaults and parses each answer into the models the schema names. The generator is not
a requirement of the app: `make test` installs it in a virtual environment of its own
(`.venv-client`, pinned in requirements-client.txt) and names it with ICSMAP_OPENAPI_PYTHON_CLIENT;
a generator so named must exist (else the test fails). Run by pytest alone, without the variable,
`openapi-python-client` on the PATH is used, and without one these tests skip. The generated
client runs under the generator's own Python (which has httpx and attrs, the client's requirements).
"""

import json
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.builders import api_system as gm  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db(transaction=True)

# No post-processing hooks: the generated code is used as the generator wrote it.
CONFIG = "post_hooks: []\n"
CALLS = """
import json, sys
sys.path.insert(0, sys.argv[2])
from icsmap_client import Client
from icsmap_client.api.organisations import organisations_path_retrieve
from icsmap_client.api.systems import (
    systems_composition_retrieve, systems_governance_retrieve, systems_popolo_retrieve, systems_summary_retrieve,
)

client = Client(base_url=sys.argv[1], raise_on_unexpected_status=True)
path = organisations_path_retrieve.sync(client=client, code="P00001")
composition = systems_composition_retrieve.sync(client=client, code="QOP")
governance = systems_governance_retrieve.sync(client=client, code="QOP")
summary = systems_summary_retrieve.sync(client=client, code="QOP")
popolo = systems_popolo_retrieve.sync(client=client, code="QOP")
print(json.dumps({
    "types": [type(answer).__name__ for answer in (path, composition, governance, summary, popolo)],
    "path": [layer.organisation.code for layer in path.layers],
    "requirements": len(composition.requirements),
    "governance": [governance.system.code, governance.top_board, len(governance.seats)],
    "summary": [summary.system.code, summary.practices.total],
    "posts": len(popolo.posts),
}))
"""


def generator() -> Path:
    named = os.environ.get("ICSMAP_OPENAPI_PYTHON_CLIENT")
    if named:
        assert Path(named).exists(), f"ICSMAP_OPENAPI_PYTHON_CLIENT names {named}, which does not exist"
        return Path(named)
    found = shutil.which("openapi-python-client")
    if not found:
        pytest.skip("needs openapi-python-client (set ICSMAP_OPENAPI_PYTHON_CLIENT; README, 'The API')")
    return Path(found)


def test_a_generated_client_reads_paths_composition_and_the_exports_as_models(live_server, gm, tmp_path):  # noqa: F811
    command = generator()
    schema = tmp_path / "schema.json"
    schema.write_bytes(urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json").read())
    (tmp_path / "config.yaml").write_text(CONFIG)
    arguments = ["--path", schema, "--meta", "none", "--config", tmp_path / "config.yaml"]
    generated = subprocess.run(
        [command, "generate", *arguments, "--output-path", tmp_path / "icsmap_client"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Warning" not in generated.stdout, generated.stdout  # every operation and model generated

    python = command.parent / "python"
    ran = subprocess.run(
        [python, "-c", CALLS, live_server.url, str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stderr
    answers = json.loads(ran.stdout)

    assert answers["types"] == ["Path", "Composition", "GovernanceFile", "Summary", "Popolo"]  # models, not dicts
    assert answers["path"][0] == "P00001" and len(answers["path"]) == 7  # six hops up to the ICB board
    assert answers["requirements"] == 10
    assert answers["governance"][:2] == ["QOP", answers["path"][-1]] and answers["governance"][2] > 0
    assert answers["summary"][0] == "QOP" and answers["summary"][1] >= 1
    assert answers["posts"] == answers["governance"][2]
