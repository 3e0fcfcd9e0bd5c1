#!/usr/bin/env bash
# Every test, in both environments, ending with one summary line. Run through `make test`,
# which sets everything up first. Extra arguments go to both pytest runs (e.g. -k name).
set -uo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONPATH="$(pwd)"
RESULTS=.build/test-results
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
failed_steps=()

step() { # name, command...: runs one check, remembers a failure, goes on
  local name=$1; shift
  printf '\n== %s\n' "$name"
  local start=$SECONDS
  "$@"
  local code=$?
  if [ $code -eq 0 ]; then
    printf '== %s: ok (%d s)\n' "$name" $((SECONDS - start))
    echo "$name" >> "$RESULTS/checks-passed"
  elif [ $code -eq 77 ]; then  # could not run here: counted as skipped, never as passed
    printf '== %s: SKIPPED (%d s)\n' "$name" $((SECONDS - start))
    echo "$name" >> "$RESULTS/checks-skipped"
  else
    printf '== %s: FAILED (%d s)\n' "$name" $((SECONDS - start))
    failed_steps+=("$name")
  fi
}

rasa_quiet() { .venv-rasa/bin/rasa "$@" --quiet 2>&1 | grep -v -E 'Warning|warn\(|declare_namespace|^\s*$|^\s+(from|import|Base:|VARIABLE|_VERSION|VERSION|REQUIREMENT)' ; return "${PIPESTATUS[0]}"; }

step "lint (ruff)" .venv/bin/ruff check .
step "known vulnerabilities (pip-audit, both environments)" .venv/bin/python scripts/audit.py
step "rasa data validate" rasa_quiet data validate --config config.yml --domain bot/domain \
  --data data/nlu data/rules data/stories
step "rasa test stories" rasa_quiet test core --model models/vawg.tar.gz \
  --stories tests/stories --fail-on-prediction-errors --out "$RESULTS/rasa-core"
step "pytest (Rasa environment: bot, actions)" .venv-rasa/bin/python -m pytest tests/bot tests/actions \
  -q -p no:cacheprovider -p no:warnings --junitxml="$RESULTS/rasa-env.xml" "$@"
step "pytest (gateway environment: api, directory, end-to-end, browser)" .venv/bin/python -m pytest tests \
  --ignore=tests/bot --ignore=tests/actions -q -p no:cacheprovider --junitxml="$RESULTS/api-env.xml" "$@"

.venv/bin/python scripts/test_summary.py "$RESULTS" "${failed_steps[@]+"${failed_steps[@]}"}"
