"""scripts/train-model.sh, which setup.sh and the benchmark train with: Rasa's data check runs
beside `rasa train --skip-validation`, and a failed check fails the training and leaves no
model to serve. Rasa is faked here (a script in place of .venv-rasa/bin/rasa, in a copy of
the folder layout); the real training runs in setup, before every test run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FAKE_RASA = """#!/usr/bin/env bash
echo "$*" >> "$(dirname "$0")/calls"
case "$1" in
  data) [ -z "${FAIL_CHECK:-}" ] || { echo "the domain is not valid"; exit 1; } ;;
  train)
    [ -z "${FAIL_TRAIN:-}" ] || exit 1
    while [ $# -gt 0 ]; do
      case "$1" in --out) out=$2 ;; --fixed-model-name) name=$2 ;; esac
      shift
    done
    touch "$out/$name.tar.gz" ;;
esac
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "train-model.sh", tmp_path / "scripts")
    rasa = tmp_path / ".venv-rasa" / "bin" / "rasa"
    rasa.parent.mkdir(parents=True)
    rasa.write_text(FAKE_RASA)
    rasa.chmod(0o755)
    (tmp_path / "models").mkdir()
    return tmp_path


def train(project: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["scripts/train-model.sh", "config.yml", "models", "vawg"],
        cwd=project,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def calls(project: Path) -> list[str]:
    return (project / ".venv-rasa" / "bin" / "calls").read_text().splitlines()


def test_the_check_and_the_training_both_run_and_the_model_is_written(project):
    done = train(project)
    assert done.returncode == 0, done.stderr
    assert (project / "models" / "vawg.tar.gz").exists()
    assert sorted(call.split()[0] for call in calls(project)) == ["data", "train"]
    check = next(call for call in calls(project) if call.startswith("data validate "))
    training = next(call for call in calls(project) if call.startswith("train "))
    assert "--skip-validation" in training
    data = "--config config.yml --domain bot/domain --data data/nlu data/rules data/stories"
    assert data in check and data in training  # the check reads what the training reads


def test_a_failed_check_fails_the_training_and_leaves_no_model(project):
    done = train(project, FAIL_CHECK="1")
    assert done.returncode != 0
    assert "the domain is not valid" in done.stderr
    assert not (project / "models" / "vawg.tar.gz").exists()


def test_a_failed_training_fails(project):
    done = train(project, FAIL_TRAIN="1")
    assert done.returncode != 0
    assert not (project / "models" / "vawg.tar.gz").exists()
