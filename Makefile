# Two entry points for a fresh machine with Python 3.11 and make: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REPORT := build/report.html

.PHONY: demo test install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/imhgraph validate
	$(BIN)/imhgraph coverage --summary
	$(BIN)/imhgraph gaps --all-programs --credential imhs
	@mkdir -p $(dir $(REPORT)) && $(BIN)/imhgraph report --output $(REPORT) && echo "report: $(abspath $(REPORT))"
	@echo ""
	@echo "Next, try:"
	@echo "  $(BIN)/imhgraph show mills-ma-imh          # one program in plain words"
	@echo "  $(BIN)/imhgraph compare mills-ma-imh okstate-imh-certificate"
	@echo "  xdg-open $(REPORT)                 # the report, to read or print"

test: install-test
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build dist .pytest_cache
