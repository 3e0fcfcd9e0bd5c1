"""bench/side_by_side.py on the real processes: two stacks, one short round, both answered."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "vawg.tar.gz"


@pytest.mark.skipif(not MODEL.exists(), reason="no trained model: scripts/setup.sh")
def test_two_stacks_are_served_at_once_and_their_rasa_cpu_compared():
    command = [sys.executable, str(ROOT / "bench" / "side_by_side.py")]
    command += ["--rounds", "1", "--seconds", "3", "--concurrency", "2"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    for side in ("a", "b"):
        found = re.search(rf"^round 1 {side}: ([\d.]+) msg/s, .* errors (\d+),", done.stdout, re.M)
        assert found and float(found[1]) > 0 and found[2] == "0", done.stdout
    assert re.search(r"^Rasa CPU per message, b / a: \d+\.\d{3}$", done.stdout, re.M)
