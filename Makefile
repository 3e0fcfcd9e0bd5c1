# The two commands (see README): `make run` and `make test`.
.PHONY: run test setup lint bench

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
