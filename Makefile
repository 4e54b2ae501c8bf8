# Two commands set up everything on a fresh Debian 12 machine (as root):
#   make demo   -- installs what the kiosk needs and runs it on embedded defaults
#   make test   -- installs what the tests need and runs the whole suite
# Both are safe to repeat: each step runs only when something is missing.

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Runtime: CJK fonts for PDFs and widgets, pcsclite for pyscard, Qt's xcb libraries.
APT_RUNTIME := fonts-arphic-uming fonts-wqy-zenhei libpcsclite-dev pcscd \
	xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
	libxcb-xkb1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-shape0 libxcb-randr0 \
	libxcb-xinerama0 libegl1 libgl1 libfontconfig1 libdbus-1-3 espeak-ng \
	python3-venv python3-dev gcc poppler-utils alsa-utils
# Tests: the real stacks (pcscd + vpcd, CUPS + cups-pdf, poppler, zbar, a PDF peer).
APT_TEST := vsmartcard-vpcd cups printer-driver-cups-pdf cups-bsd zbar-tools socat \
	sox libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 postgresql \
	chromium chromium-driver cage grim xwayland at-spi2-core dbus python3-pyatspi

.PHONY: demo test test-fast test-postgres fuzz soak run lint format typecheck bench screenshots apt-runtime apt-test venv clean

demo: apt-runtime venv
	$(VENV)/bin/kiosk demo

test: apt-runtime apt-test venv
	@bash tools/postgres-ensure.sh
	@bash tools/pcscd-free.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	QT_QPA_PLATFORM=offscreen PGPASSWORD=postgres $(PY) -m pytest -q
	QT_QPA_PLATFORM=offscreen PGPASSWORD=postgres KIOSK_TEST_DATABASE=postgresql $(PY) -m pytest -q

# The second pass alone: every test that stands on the database, on PostgreSQL instead of SQLite.
test-postgres: apt-test venv
	@bash tools/postgres-ensure.sh
	QT_QPA_PLATFORM=offscreen PGPASSWORD=postgres KIOSK_TEST_DATABASE=postgresql $(PY) -m pytest -q

# The inner loop: no PostgreSQL, no pcscd/CUPS/ptys/subprocesses, nothing slow (under 30 s).
test-fast: venv
	$(VENV)/bin/ruff check .
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -n auto -m "not slow and not postgres and not stacks"

typecheck: venv
	$(VENV)/bin/mypy

bench: apt-runtime apt-test venv
	$(VENV)/bin/kiosk bench

# The long runs, reported in the README: 100,000+ fuzz cases per parser; 10,000 sessions.
fuzz: apt-runtime apt-test venv
	$(VENV)/bin/kiosk bench --fuzz

soak: apt-runtime apt-test venv
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/kiosk bench --soak

lint: venv
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

screenshots: apt-runtime apt-test venv
	$(PY) tools/screenshots.py

apt-runtime:
	@bash tools/apt-ensure.sh $(APT_RUNTIME)

apt-test:
	@bash tools/apt-ensure.sh $(APT_TEST)

venv: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 / Python 3.11 is required: apt-get install python3.11 python3.11-venv"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel
	$(PY) -m pip install -q -e '.[test,postgres]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info
