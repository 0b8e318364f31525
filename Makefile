# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

## run: the main job (poll every enabled source, tag, send what is due) on the shipped config
run: $(VENV)/.installed
	$(BIN)/monitor run

## test: the whole test suite
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

## demo: the main job on the recorded responses in tests/fixtures, into a separate database;
## its mail always goes to its own outbox folder, whatever the settings or the environment say
DEMO_ENV := MONITOR_DB=data/demo.db MONITOR_OUTBOX=data/demo-outbox MONITOR_MAIL_TRANSPORT=outbox
demo: $(VENV)/.installed
	$(DEMO_ENV) $(BIN)/monitor run --replay tests/fixtures/replay
	$(DEMO_ENV) $(BIN)/monitor calls --limit 15

## bench: every benchmark under benchmarks/, one line per figure
bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) data/demo.db* data/demo-outbox
