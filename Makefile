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
# The numerics profile (coursekit/numerics.py): the same CPU code paths on every
# x86-64 machine, read by torch's libraries when they load. Exported to every
# command below and to the Jupyter kernels they start.
export ATEN_CPU_CAPABILITY ?= avx2
export MKL_CBWR ?= COMPATIBLE
export ONEDNN_MAX_CPU_ISA ?= AVX2
# Not numerics: idle OpenMP threads sleep instead of spinning, so two kernels
# (pytest -n 2, each fixed to 2 threads by setup_lesson) on a 2-core machine do
# not steal each other's cores: measured 2.6 s vs 0.6 s per DCGAN step.
export OMP_WAIT_POLICY ?= PASSIVE
# What another machine may do instead: native vector kernels (AVX-512 where the
# CPU has it), MKL's automatic code branch, oneDNN's newest ISA (AMX where there
# is one), one OpenMP thread before setup_lesson fixes the count.
FOREIGN_NUMERICS := ATEN_CPU_CAPABILITY=default MKL_CBWR=AUTO ONEDNN_MAX_CPU_ISA=ALL OMP_NUM_THREADS=1
# ...and the older one: AVX2 MKL branch, oneDNN without AVX (SSE4.1), 3 threads.
OLDER_NUMERICS := ATEN_CPU_CAPABILITY=avx2 MKL_CBWR=AVX2 ONEDNN_MAX_CPU_ISA=SSE41 OMP_NUM_THREADS=3
NBVAL_FLAGS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout 1200

.PHONY: env lab test test-unit test-notebooks test-stability test-stability-full test-browser lessons lessons-check slides slides-tools student-copies bench clean-env

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

# The stored outputs must not depend on the CPU: nbval again with every numerics
# knob moved away from the profile at once (what an unprofiled AVX-512/AMX machine does).
test-stability: env
	env $(FOREIGN_NUMERICS) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile lessons $(NBVAL_FLAGS)

# The same with the older code paths too (twice the time; run before a release).
test-stability-full: test-stability
	env $(OLDER_NUMERICS) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile lessons $(NBVAL_FLAGS)

# Execute every lesson top to bottom in a fresh kernel and store its outputs.
lessons: env
	$(BIN)/python -m coursekit.authoring.execution lessons

# Execute every lesson again and fail unless the result equals the stored notebook byte for byte.
lessons-check: env
	$(BIN)/python -m coursekit.authoring.execution --check lessons

# Marp CLI (pinned in package.json / package-lock.json) from the npm registry.
slides-tools: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "make slides needs Node.js and npm (Debian: apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

# slides/NN_*.md (+ img/) from the cells tagged 'slide', then HTML and PDF next to them.
slides: env slides-tools
	$(BIN)/coursekit slides lessons/[0-9][0-9]_*.ipynb --out slides
	$(BIN)/python -m coursekit.authoring.slides_export slides/[0-9][0-9]_*.md

# Student copies: solutions replaced by placeholders, in build/student/.
student-copies: env
	$(BIN)/coursekit student-copy lessons --out build/student

bench: env
	$(BIN)/python benchmarks/run_all.py

clean-env:
	rm -rf $(VENV)
