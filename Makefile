# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_ENV := DEBUG=1 CAMINANTES_DEMO=1 HUEY_IMMEDIATE=1
HOST ?= 127.0.0.1:8000

.PHONY: demo test test-quick lint browser-deps report-deps messages serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# pyspark (~500 MB) for the test of the identity engine's Spark path: `make test` only
SPARK_STAMP := $(VENV)/.spark-installed
$(SPARK_STAMP): pyproject.toml | $(STAMP)
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing Debian's Java runtime for the Spark test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; }
	$(BIN)/pip install --quiet -e '.[test,spark]'
	touch $(SPARK_STAMP)

demo: $(STAMP) report-deps
	$(DEMO_ENV) $(BIN)/caminantes migrate --noinput
	$(DEMO_ENV) $(BIN)/caminantes demo
	@echo ""
	@echo "Caminantes is starting on http://$(HOST)/  (Ctrl+C stops it)"
	@echo "Log in with one of the e-mails above and the password printed with them."
	@echo "Two-factor is waived for demo users because CAMINANTES_DEMO=1 (DEBUG only)."
	@echo "The demo's referrals are received by the partner user enlace.ffs@demo.caminantes.org (FFS, Colombia)."
	@echo "ODK Collect: type the field collection server URL printed above (no password), or scan the QR code of a new app user on /collect/."
	$(DEMO_ENV) $(BIN)/caminantes runserver $(HOST)

serve: $(STAMP)
	$(DEMO_ENV) $(BIN)/caminantes runserver $(HOST)

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# WeasyPrint (the DTM round report PDF) needs Pango and a font; Debian's DejaVu is enough.
report-deps:
	@{ ldconfig -p | grep -q libpangoft2-1.0 && fc-list 2>/dev/null | grep -qi dejavu; } || { \
	  echo "Installing Pango and DejaVu fonts for the PDF reports"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fontconfig; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy caminantes
	DEBUG=1 $(BIN)/caminantes makemigrations --check --dry-run
	$(BIN)/lint-imports --no-logo

# On every core (pytest-xdist); conftest.py's scheduler runs the browser tests together and
# first on one worker, which builds the demo once, while the other workers run the rest.
# The lint runs beside the suite (its type check alone takes most of a minute on one core),
# at the lowest priority: it fills the moments the suite leaves a core idle (the browser
# tests wait on Chromium and the demo server) instead of slowing the tests. Its report is
# printed after the tests'; either failing fails `make test`.
test: $(STAMP) $(SPARK_STAMP) browser-deps report-deps
	@log=$$(mktemp); nice -n 19 $(MAKE) --no-print-directory lint >"$$log" 2>&1 & lint=$$!; \
	$(BIN)/pytest -n auto --dist loadgroup; tests=$$?; \
	wait $$lint; linted=$$?; echo "--- make lint"; cat "$$log"; rm -f "$$log"; \
	if [ $$linted -ne 0 ]; then echo "make lint FAILED"; fi; \
	[ $$tests -eq 0 ] && [ $$linted -eq 0 ]

# Everything but the slow browser tests, for a quick loop while coding.
test-quick: $(STAMP) report-deps lint
	$(BIN)/pytest -n auto --dist loadgroup -m "not browser"

# The project catalogue (caminantes/locale) holds every app without a locale folder of its
# own; an app with caminantes/<app>/locale keeps its strings there (fewer merge conflicts).
# Apps and sub-apps (assistance/referrals) with their own catalogue; each leaves out the
# sub-apps that keep theirs.
APP_LOCALES = $(patsubst caminantes/%/locale,%,$(wildcard caminantes/*/locale caminantes/*/*/locale))
messages: $(STAMP)
	cd caminantes && ../$(BIN)/caminantes makemessages -l es -l pt --no-obsolete \
	  --ignore 'static/*' $(foreach app,$(APP_LOCALES),--ignore '$(app)/*')
	for app in $(APP_LOCALES); do \
	  nested=$$(cd caminantes/$$app && for d in */locale; do [ -d "$$d" ] && printf -- "--ignore=%s/* " "$${d%/locale}"; done); \
	  (cd caminantes/$$app && $(CURDIR)/$(BIN)/caminantes makemessages -l es -l pt --no-obsolete $$nested) || exit 1; \
	done
	cd caminantes && ../$(BIN)/caminantes compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .grimp_cache test-output
