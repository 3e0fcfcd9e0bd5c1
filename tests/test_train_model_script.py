"""scripts/train-model.sh, which setup.sh and the benchmark train with: Rasa's data check runs
beside `rasa train --skip-validation` (through bot/rasa_train.py), and a failed check fails
the training and leaves no model to serve. Rasa is faked here (scripts in place of
.venv-rasa/bin/rasa and of its python running `-m bot.rasa_train`, in a copy of the folder
layout); the real training runs in setup, before every test run."""

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


# `python -m bot.rasa_train ARGS` is `rasa ARGS`; anything else is not expected
FAKE_PYTHON = """#!/usr/bin/env bash
[ "$1 $2" = "-m bot.rasa_train" ] || { echo "unexpected: $*"; exit 2; }
shift 2
exec "$(dirname "$0")/rasa" "$@"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "train-model.sh", tmp_path / "scripts")
    bin_folder = tmp_path / ".venv-rasa" / "bin"
    bin_folder.mkdir(parents=True)
    for name, text in (("rasa", FAKE_RASA), ("python", FAKE_PYTHON)):
        (bin_folder / name).write_text(text)
        (bin_folder / name).chmod(0o755)
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


def test_a_training_that_fails_on_data_the_check_rejects_says_what_the_check_found(project):
    # the training skips the YAML schema checks the check makes (bot/rasa_train.py), so a
    # broken file can fail the training first: the reason shown is still the check's
    done = train(project, FAIL_TRAIN="1", FAIL_CHECK="1")
    assert done.returncode != 0
    assert "the domain is not valid" in done.stderr
    assert not (project / "models" / "vawg.tar.gz").exists()
