# Two commands for a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test deps dev-deps system-packages test-tools bench catalogs messages

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

deps: $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@$(MAKE) --no-print-directory catalogs

## Compile the translations (assessment/locales/*/LC_MESSAGES/tandem.po → .mo) that gettext reads.
catalogs:
	@for po in assessment/locales/*/LC_MESSAGES/tandem.po; do \
		[ -f "$$po" ] || continue; \
		$(VENV)/bin/pybabel -q compile --statistics -D tandem -i "$$po" -o "$${po%.po}.mo" || exit 1; \
	done

## Re-extract the English source strings and merge them into every language's catalog.
messages:
	$(PY) -m babel.messages.frontend -q extract -F babel.cfg --no-location --sort-output \
		--project Tandem -o assessment/locales/tandem.pot .
	$(VENV)/bin/pybabel -q update -D tandem -i assessment/locales/tandem.pot -d assessment/locales --no-fuzzy-matching --ignore-obsolete

dev-deps: $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@$(MAKE) --no-print-directory catalogs

## Install, check the database, load the labelled synthetic sample on first start, and serve the app.
## The web server believes X-Forwarded-For only from the proxies in TANDEM_TRUSTED_PROXIES.
run: deps
	$(PY) -m assessment check
	$(PY) -m assessment seed-demo --if-empty
	$(PY) -m assessment serve --server.headless true --server.port $(PORT) --browser.gatherUsageStats false

## Install (Chromium from Debian's packages when missing) and run every test.
test: dev-deps system-packages test-tools
	$(PY) -m ruff check .
	$(PY) -m pytest

system-packages:
	@bash scripts/ensure-system-packages

## axe-core for the browser tests' accessibility checks, pinned in package-lock.json.
test-tools:
	@[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund --loglevel=error

bench: deps
	$(PY) -m assessment bench
