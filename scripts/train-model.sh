#!/usr/bin/env bash
# Trains a Rasa model on the project's data: scripts/train-model.sh CONFIG OUT_DIR NAME
# (writes OUT_DIR/NAME.tar.gz; Rasa's output goes to stdout). Used by setup.sh and bench/run.py,
# so the benchmark times what a user's setup does.
#
# Rasa's check of the domain and data, which `rasa train` otherwise runs first in the same
# process (about 17 s on a slow 2-core machine), runs beside the training in a second process,
# on the second core. The same check, `rasa data validate`; it fails the training if it fails.
# It also checks the domain and data files against Rasa's YAML schemas, which the training
# itself then skips (bot/rasa_train.py).
set -euo pipefail
cd "$(dirname "$0")/.."
config=$1 out=$2 name=$3
data=(--config "$config" --domain bot/domain --data data/nlu data/rules data/stories)
export PYTHONPATH="$PWD"
checked=$(mktemp)
trap 'rm -f "$checked"' EXIT
.venv-rasa/bin/rasa data validate "${data[@]}" --quiet >"$checked" 2>&1 &
check=$!
# bot/rasa_train.py: `rasa train`, with the levers that must come before Rasa reads the data;
# it leaves the YAML schema checks of the domain and data to that check
if ! .venv-rasa/bin/python -m bot.rasa_train train --skip-validation "${data[@]}" \
  --out "$out" --fixed-model-name "$name" --quiet; then
  if ! wait "$check"; then  # a schema error the training met first: say what the check found
    echo "rasa data validate failed:" >&2
    tail -40 "$checked" >&2
  fi
  exit 1
fi
if ! wait "$check"; then
  rm -f "$out/$name.tar.gz"  # trained on data that fails the check: not to be served
  echo "rasa data validate failed:" >&2
  tail -40 "$checked" >&2
  exit 1
fi
