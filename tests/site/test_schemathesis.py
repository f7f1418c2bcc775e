"""Schemathesis against /api/openapi.json: requests generated from the declared parameters
(examples, boundaries, random values) get no 5xx answer, anonymously (write endpoints: 403) and
with a token holding every read permission."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.auth_fixtures import create_token, create_user
from tests.site.conftest import SiteServer

BIN = Path(sys.executable).parent
READ_PERMISSIONS = ["view_pii", "view_rawdump", "view_exploitability"]


@pytest.mark.parametrize("who", ["anonymous", "token"])
def test_no_generated_request_gets_a_server_error(site: SiteServer, who: str, tmp_path: Path) -> None:
    command = [
        str(BIN / "schemathesis"),
        "run",
        f"{site.base}/api/openapi.json",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        "12",
        "--seed",
        "9",
        "--workers",
        "1",
        "--phases",
        "examples,coverage,fuzzing",
        "--request-timeout",
        "60",
        "--no-shrink",
        "--report-dir",
        str(tmp_path),
    ]
    if who == "token":
        user = create_user(site.data.url, permissions=READ_PERMISSIONS)
        command += [
            "-H",
            f"Auth-Token: {create_token(site.data.url, user, READ_PERMISSIONS)}",
            "--include-method",
            "GET",
        ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHEMATHESIS_")}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1500, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:] + "\n--- server log ---\n" + site.log()[-4000:]
    cases = re.search(r"(\d+) generated, (\d+) passed", output)
    assert cases and int(cases.group(2)) == int(cases.group(1)) > 200, output[-3000:]  # the cases did run
