# The two commands (see README): `make run` and `make test`.
.PHONY: run test setup lint bench nlu-eval

run: setup
	@.venv/bin/python scripts/supervise.py

test:
	@scripts/setup.sh --test
	@scripts/test.sh

setup:
	@scripts/setup.sh

lint:
	@.venv/bin/ruff check .

bench:
	@scripts/setup.sh
	@.venv/bin/python bench/run.py

# NLU evaluation: the external test set and cross-validation (a few minutes); see bench/nlu_eval.py
nlu-eval:
	@scripts/setup.sh
	@PYTHONPATH=. .venv-rasa/bin/python bench/nlu_eval.py
