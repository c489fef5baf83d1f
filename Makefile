# Two commands do everything: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PROTOKOLL := $(VENV)/bin/protokoll
PYTHON ?= python3
export OMP_THREAD_LIMIT := 1
export PREFECT_HOME := $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: setup demo test samples bench bench-scale accuracy clean

setup: $(VENV)/.installed
	@scripts/setup_system.sh

$(VENV)/.installed: pyproject.toml
	@scripts/setup_system.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	@$(PY) -m pip install -q -e '.[dev]'
	@touch $@

samples: setup
	@$(PY) samples/make_samples.py --out samples/generated

demo: samples
	@# bad/ fails on purpose (one file per kind of broken input): exit status 1 is expected there.
	@status=0; $(PROTOKOLL) ingest samples/generated/pdf samples/generated/scanned samples/generated/bad --workers 2 || status=$$?; \
	  test $$status -le 1
	$(PROTOKOLL) export --format jsonl --out out/results.jsonl
	$(PROTOKOLL) summary
	$(PROTOKOLL) flags

# On both cores (pytest-xdist; tests/conftest.py keeps what shares a fixture on one worker and hands the
# longest tests out first). Bytecode is written (ignored by git) even where PYTHONDONTWRITEBYTECODE is set:
# otherwise every worker and every `protokoll` process the tests start compiles the repo's modules again.
TEST_WORKERS ?= 2
test: setup
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder

bench: samples
	$(PY) benchmarks/throughput_bench.py
	$(PY) benchmarks/ingest_bench.py
	$(PY) benchmarks/scan_bench.py
	$(PY) benchmarks/reading_bench.py
	$(PY) benchmarks/accuracy.py
	$(PY) benchmarks/query_bench.py

# National scale: a million items on SQLite and PostgreSQL (built once, then reused), query p95, export speed and
# memory; then ingest of 100 to 10 000 generated pages, re-runs unchanged and after an extractor change.
bench-scale: setup
	$(PY) benchmarks/query_bench.py --items 1000000 --memory
	$(PY) benchmarks/scale_bench.py

# Extraction accuracy: first contact, generated protocols, ../shared/real through the whole ingest, text, text-layer
# PDFs and the sample scans; then every gold document printed in six
# fonts at 200 and 300 dpi and scanned (OCR cached under ~/.cache/protokoll; ACCURACY_ARGS=--quick for one font).
accuracy: samples
	$(PY) benchmarks/accuracy.py --real
	$(PY) benchmarks/scan_accuracy.py $(ACCURACY_ARGS)

clean:
	rm -rf $(VENV) .prefect samples/generated out protokoll.db protokoll.db-wal protokoll.db-shm
