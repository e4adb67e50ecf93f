# The two commands of the README are `make book` and `make test`; each creates .venv when missing.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# VENV=path given on the command line names an environment to use as it is: nothing is
# installed into it (a test's clean clone borrows the running venv this way); without it, .venv
# is created and kept in step with the requirements.
ENV_READY := $(if $(filter command line,$(origin VENV)),$(BIN)/python,$(STAMP))
# Silence mfnet_lite's progress bars in executed notebooks and in tests.
export MFNET_LITE_PROGRESS := 0
# One BLAS thread: the book's matrices are small, and OpenBLAS threads spin on a busy machine.
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: book pdf book-student notebooks publish-notebooks assignments grade test test-fast lab format-chapters bench serve logo system-deps browser-assets slides clean help

help:
	@echo "make book   build the HTML book (every chapter executed) into _build/html"
	@echo "make pdf    the print edition (one PDF, Chromium) into _build/pdf"
	@echo "make book-student  the same book with every solution removed: _build/student/_build/html"
	@echo "make notebooks     each chapter as an .ipynb that installs the package (Colab): _build/notebooks"
	@echo "make assignments   graded notebooks and autograders (otter) into _build/assignments"
	@echo "make grade ASSIGNMENT=name SUBMISSIONS=folder [TIMEOUT=s]  grade a class: _build/grades/name"
	@echo "make test   lint and run every test, the book build included"
	@echo "make lab    open JupyterLab; chapters open as notebooks (jupytext, MyST rendered)"
	@echo "make format-chapters  rewrite chapters as JupyterLab saves them (no diff on save)"
	@echo "make test-fast  lint, unit and property tests and doctests only (under a minute)"
	@echo "make bench  print the side-by-side speed measurements of benchmarks/"
	@echo "make serve  serve _build/html on 127.0.0.1, building it if missing (PORT=8000, HTML=dir)"
	@echo "make logo   draw the logo and favicon into _static (part of make book)"
	@echo "make system-deps  install the system packages the browser test needs (chromium)"
	@echo "make browser-assets  local npm copies of the pages' CDN scripts (browser test)"
	@echo "make slides  one reveal.js lecture deck per chapter (and its handout PDF) into _build/slides"
	@echo "make clean  remove _build"

$(STAMP): requirements.txt requirements-test.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-test.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

# The logo and favicon are drawn by the package itself before each build (not committed).
logo: $(ENV_READY)
	$(BIN)/python -m mfnet_lite.plots.logo _static

# `jupyter-book build . -W -n --keep-going`, with the pages read (so the chapters executed) side by
# side, one per core (tools/build_book.py); JOBS=1 reads them one after the other.
book: logo
	$(BIN)/python tools/build_book.py $(if $(JOBS),--jobs $(JOBS)) . -W -n --keep-going
	@echo "The book is at file://$(CURDIR)/_build/html/index.html"

# The print edition: the single-page build (every chapter executed as in `make book`; right after
# `make book` Sphinx reuses the executed pages) printed to one PDF by Chromium (tools/pdf.py).
# -W fails the build, and so `make pdf`, when a chapter fails.
PDF := _build/pdf/wide-two-layer-networks.pdf
pdf: logo browser-assets
	$(BIN)/jupyter-book build . --builder singlehtml -W -n --keep-going
	$(BIN)/python tools/pdf.py --out $(PDF)
	@# beside the HTML book, where each page's download menu links it
	@if [ -d _build/html ]; then cp $(PDF) _build/html/; fi
	@echo "The print edition is at $(CURDIR)/$(PDF)"

book-student: logo
	$(BIN)/python tools/student_book.py
	@echo "The student book is at file://$(CURDIR)/_build/student/_build/html/index.html"

# Each chapter as a notebook whose first cell installs mfnet_lite where it is missing (Colab),
# at the commit checked out (tools/colab.py); the workflow commits them to the branch
# `notebooks` (publish-notebooks: git and the standard library only, no venv), where each
# chapter's Colab button points.
notebooks: $(ENV_READY)
	$(BIN)/python tools/colab.py build --out _build/notebooks

publish-notebooks:
	$(PYTHON) tools/colab.py publish --dir _build/notebooks --branch notebooks --remote origin

# SECRET=path: hidden inputs keyed by the instructor's key file (created when missing; keep it
# outside the repository). instructors.md tells the course workflow.
assignments: $(ENV_READY)
	$(BIN)/python -m grading build "$(CURDIR)/_build/assignments" $(if $(SECRET),--secret "$(SECRET)") \
		$(if $(ROSTER),--roster "$(ROSTER)")

# Grade every notebook of SUBMISSIONS (building the assignment when missing): one CSV and a log
# under _build/grades/ASSIGNMENT; TIMEOUT is the limit per notebook in seconds, WORKERS the
# notebooks graded at a time (default: the number of cores).
TIMEOUT ?= 180
WORKERS ?= $(shell nproc 2>/dev/null || echo 1)
# Limits per notebook (instructors.md): MB of address space, MB of disk, processes (as root).
MEMORY ?= 4096
DISK ?= 256
PROCESSES ?= 256
grade: $(ENV_READY)
	@if [ -z "$(ASSIGNMENT)" ] || [ -z "$(SUBMISSIONS)" ]; then \
		echo "usage: make grade ASSIGNMENT=name SUBMISSIONS=folder [TIMEOUT=seconds] [WORKERS=n]" >&2; exit 2; fi
	$(BIN)/python -m grading grade "$(ASSIGNMENT)" "$(SUBMISSIONS)" --timeout "$(TIMEOUT)" --workers "$(WORKERS)" \
		--memory "$(MEMORY)" --disk "$(DISK)" --processes "$(PROCESSES)" \
		$(if $(ROSTER),--roster "$(ROSTER)") $(if $(LMS_ID),--lms-id "$(LMS_ID)") \
		$(if $(SIMILARITY),--similarity "$(SIMILARITY)") $(if $(SECRET),--secret "$(SECRET)")

test: browser-assets
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# The contributor's loop: the unit and property tests of mfnet_lite and its doctests, without
# the book build, the chapters, their claims, the browser, the publishing tools or otter.
FAST_SKIP := test_book.py test_book_html.py test_browser.py test_publish.py test_student_book.py \
	test_chapters.py test_assignments.py
test-fast: $(ENV_READY)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -m "not slow and not book and not chapter" \
		$(addprefix --ignore=tests/,$(FAST_SKIP)) --ignore-glob="tests/test_ch0*_claims.py"

# JupyterLab with jupytext: a double click opens a chapter .md as a notebook (an app-level
# settings override inside .venv, so the user's own JupyterLab settings are left alone);
# jupyterlab-myst renders the MyST markup of its Markdown cells (theorems, {eq} references,
# exercises) as the book does. The chapters are fixed points of jupytext's round trip
# (`make format-chapters`), so opening and saving one leaves no diff. windowingMode "none":
# with JupyterLab's default ("contentVisibility") jupyterlab-myst evaluated the {eval} numbers of
# some Markdown cells on Run All and skipped others (tests/test_lab_browser.py checks this setup).
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
lab: $(ENV_READY)
	$(BIN)/python -m pip install --quiet jupyterlab==4.6.6 jupyterlab-myst==2.7.0
	@mkdir -p $(dir $(LAB_OVERRIDES))
	@echo '{"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}}, "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}' > $(LAB_OVERRIDES)
	$(BIN)/jupyter lab chapters $(if $(filter 0,$(shell id -u)),--allow-root)

# Rewrite every chapter and assignment source as JupyterLab would save it (tools/roundtrip.py);
# tests/test_roundtrip.py fails on a source that is not such a fixed point.
format-chapters: $(ENV_READY)
	$(BIN)/python tools/lab_macros.py write
	$(BIN)/python tools/lab_solutions.py write
	$(BIN)/python tools/roundtrip.py format

# Benchmarks measure the machine, so they use all its cores (the export above is for tests).
bench: export OPENBLAS_NUM_THREADS := $(shell nproc)
bench: $(ENV_READY)
	$(BIN)/python benchmarks/gd_step.py
	$(BIN)/python benchmarks/kernels.py
	$(BIN)/python benchmarks/transport.py
	$(BIN)/python benchmarks/widgets.py
	$(BIN)/python benchmarks/book.py

# The preview server is standard-library Python (tools/serve.py), so it needs no venv: a book
# built elsewhere (the workflow's artifact, unzipped) is served with `make serve HTML=folder`.
# Only the book's own folder is built when missing; SIGINT/SIGTERM stop the server cleanly.
PORT ?= 0
HTML ?= _build/html
serve:
	@if [ ! -f "$(HTML)/index.html" ] && [ "$(HTML)" = _build/html ]; then $(MAKE) --no-print-directory book; fi
	@exec $(PYTHON) tools/serve.py --port "$(PORT)" --dir "$(HTML)"

# System packages the browser test needs: Chromium (driven by Playwright, never its own browser
# download). GitHub's Ubuntu runners ship /usr/bin/chromium, so there this only reports it;
# on Debian it installs the distribution's package (as root, or through sudo when available).
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
system-deps:
	@if command -v chromium >/dev/null; then \
		echo "chromium: $$(command -v chromium)"; \
	else \
		$(SUDO) apt-get update -q && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	fi

# Pinned npm copies of MathJax, the widget manager, require.js and Font Awesome that the browser
# test serves instead of the CDNs (into .venv/browser-assets; tests/browser_assets.py).
browser-assets: $(ENV_READY)
	$(BIN)/python tests/browser_assets.py

# Lecture decks from the slide marks of the chapters (instructors.md, "Lecture slides"): the
# outputs come from the book's executed notebooks (_build/jupyter_execute) when they are current,
# else tools/slides.py executes the chapter. reveal.js and MathJax are the pinned npm copies.
slides: browser-assets
	$(BIN)/python tools/slides.py build
	$(BIN)/python tools/slides.py pdf
	@if [ -d _build/html ]; then rm -rf _build/html/slides && cp -r _build/slides _build/html/slides; fi
	@echo "The decks are at file://$(CURDIR)/_build/slides/index.html"

clean:
	rm -rf _build
