# coursekit: the two commands students and CI need are `make lab` and `make test`.
# Every target builds the pinned environment in .venv first (skipped when warm).

PYTHON     ?= python3.11
VENV       ?= .venv
BIN        := $(VENV)/bin
STAMP      := $(VENV)/.coursekit-installed
LAB_ARGS   ?=
# Optional: a PyTorch wheel index for a GPU machine, e.g.
#   make lab TORCH_INDEX=https://download.pytorch.org/whl/cu128
TORCH_INDEX ?=
PYTEST_WORKERS ?= 2
NBVAL_FLAGS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout 600

.PHONY: env lab test test-unit test-notebooks test-stability test-browser lessons lessons-check slides slides-tools student-copies bench clean-env

env: $(STAMP)

# The environment: exactly the versions in requirements/lock.txt (no resolver
# surprises, no CUDA packages on a CPU machine), then coursekit in editable mode.
$(STAMP): pyproject.toml requirements/lock.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==25.3
	@if [ -n "$(TORCH_INDEX)" ]; then \
		$(BIN)/python -m pip install --quiet "torch==$$(sed -n 's/^torch==//p' requirements/lock.txt)" --index-url "$(TORCH_INDEX)"; fi
	$(BIN)/python -m pip install --quiet --no-deps -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	@touch $(STAMP)
	@echo "environment ready in $(VENV)"

# (root, e.g. in a container, needs --allow-root; everyone else does not)
lab: env
	$(BIN)/jupyter lab --notebook-dir=lessons $$([ "$$(id -u)" = 0 ] && echo --allow-root) $(LAB_ARGS)

# Unit tests and nbval over every lesson, in one pytest run (figures compared too).
test: env
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile -m "not browser" tests lessons $(NBVAL_FLAGS)
	$(MAKE) --no-print-directory test-stability

test-unit: env
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not browser" tests

# The lessons in JupyterLab in Debian's Chromium (Playwright): run all, move a widget, see it redraw.
test-browser: env
	$(BIN)/python -m pytest -m browser -p no:xdist tests/browser -v

test-notebooks: env
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile lessons $(NBVAL_FLAGS)

# The stored outputs must not depend on the CPU's vector instructions.
test-stability: env
	ATEN_CPU_CAPABILITY=avx2 $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile lessons $(NBVAL_FLAGS)

# Execute every lesson top to bottom in a fresh kernel and store its outputs.
lessons: env
	$(BIN)/python -m coursekit.execution lessons

# Execute every lesson again and fail unless the result equals the stored notebook byte for byte.
lessons-check: env
	$(BIN)/python -m coursekit.execution --check lessons

# Marp CLI (pinned in package.json / package-lock.json) from the npm registry.
slides-tools: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "make slides needs Node.js and npm (Debian: apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

# slides/NN_*.md (+ img/) from the cells tagged 'slide', then HTML and PDF next to them.
slides: env slides-tools
	$(BIN)/coursekit slides lessons/[0-9][0-9]_*.ipynb --out slides
	$(BIN)/python -m coursekit.slides_export slides/[0-9][0-9]_*.md

# Student copies: solutions replaced by placeholders, in build/student/.
student-copies: env
	$(BIN)/coursekit student-copy lessons --out build/student

bench: env
	$(BIN)/python benchmarks/run_all.py

clean-env:
	rm -rf $(VENV)
