# Two commands for a newcomer: `make demo` (portal with demo data on http://127.0.0.1:8000) and
# `make test`. Both set up .venv on first use. DATABASE_URL / REDIS_URL are used when set.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCALE_DIRS := locale facilities/locale facilities/bookings/locale consultations/locale hubs/locale
APP_DIRS := facilities facilities/bookings consultations hubs

.PHONY: demo test install messages makemessages lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Compile the English catalogues (.po → .mo) with Babel, so no system gettext is needed.
messages: $(STAMP)
	@for d in $(LOCALE_DIRS); do \
		if [ -d $$d ]; then $(VENV)/bin/pybabel -q compile -d $$d -D django || exit 1; fi; \
	done

# Re-extract translatable strings (needs GNU gettext). Source strings are Japanese; `en` is translated.
makemessages: $(STAMP)
	$(PY) manage.py makemessages -l en --no-location -i '.venv/*' -i 'tests/*' -i 'bench/*' $(foreach d,$(APP_DIRS),-i '$(d)/*')
	@for d in $(APP_DIRS); do \
		skip=""; [ $$d = facilities ] && skip="--ignore=bookings"; \
		(cd $$d && mkdir -p locale && $(CURDIR)/$(PY) $(CURDIR)/manage.py makemessages -l en --no-location $$skip) || exit 1; \
	done

demo: $(STAMP) messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	MFA_TOTP_INSECURE_BYPASS_CODE=000000 $(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP) messages
	$(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks at 1,000 / 10,000 / 100,000 services (bench/README.md): gunicorn with production settings
# and wrk (from Debian, installed here if missing) on loopback; under 20 minutes. Not part of `make test`.
# Uses its own database and Redis db: BENCH_DATABASE_URL, BENCH_REDIS_URL; BENCH_ARGS e.g. --sizes 1000.
bench: $(STAMP) messages
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	$(PY) bench/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
