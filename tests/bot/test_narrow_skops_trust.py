"""skops' trusted types without importing all of scikit-learn (bot/narrow_skops_trust.py):
installed by the gateway channel in a fresh process, the bot's classifier still loads, and any
other estimator is refused."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "vawg.tar.gz"

# A fresh interpreter: in this one another test may have imported skops.io already.
FRESH_PROCESS = """
import sys
import sklearn.utils
original = sklearn.utils.all_estimators
import bot.gateway_channel
from bot import narrow_skops_trust
import skops.io as sio
from sklearn.svm import LinearSVC
assert narrow_skops_trust.installed()
assert sklearn.utils.all_estimators is original
assert sio.get_untrusted_types(file=sys.argv[1]) == []
sio.dump(LinearSVC(), sys.argv[2])
print(sio.get_untrusted_types(file=sys.argv[2]))
"""


@pytest.mark.skipif(not MODEL.exists(), reason="no trained model: scripts/setup.sh")
def test_the_bots_classifier_loads_and_other_estimators_are_refused(tmp_path):
    with tarfile.open(MODEL) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith(".skops"))
        archive.extract(member, tmp_path, filter="data")
    classifier = tmp_path / member.name
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS, str(classifier), str(tmp_path / "svc.skops")],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "2"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "sklearn.svm._classes.LinearSVC" in done.stdout


def test_installing_after_skops_is_imported_changes_nothing():
    import skops.io  # noqa: F401

    from bot import narrow_skops_trust

    before = sys.modules["skops.io._trusted_types"].SKLEARN_ESTIMATOR_TYPE_NAMES
    narrow_skops_trust.install()
    assert sys.modules["skops.io._trusted_types"].SKLEARN_ESTIMATOR_TYPE_NAMES is before
