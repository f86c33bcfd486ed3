"""Issue 17: summary, review, targets and projects answer within half a second, so they must not import pandas.

`import pandas` alone takes about that long; NumPy, pyarrow, plotly and Streamlit come with the pages. Each
command runs as the acceptance checks call it, and Python's own import log says what it loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
HEAVY = {"pandas", "numpy", "pyarrow", "plotly", "streamlit"}


def imported(stderr: str) -> set[str]:
    """Top-level packages named in a `-X importtime` log."""
    names = set()
    for line in stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if line.startswith("import time:") and len(fields) == 3 and fields[0].strip().isdigit():  # not the header
            names.add(fields[2].strip().split(".")[0])
    return names


@pytest.mark.parametrize("command", ["summary", "review", "targets", "projects"])
def test_report_commands_do_not_import_pandas(command: str, sample_db: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "analytics", command, "--db", str(sample_db), "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    payload = json.loads(result.stdout)
    # The answer is a real one (a refusal would import little and prove nothing).
    assert payload["snapshot_id"] >= 1
    assert payload.get("projects") or payload.get("total")
    loaded = imported(result.stderr)
    assert {"duckdb", "analytics"} <= loaded  # the log was read
    assert not loaded & HEAVY, f"{command} imported {sorted(loaded & HEAVY)}"


def test_the_import_log_is_read_as_packages() -> None:
    log = (
        "import time: self [us] | cumulative | imported package\nimport time:       954 |       2954 |   pandas.core\n"
    )
    assert imported(log) == {"pandas"}
