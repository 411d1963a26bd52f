# NPLab's front door. `make run` launches the app, `make test` runs every test.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
GUI ?= ON
JOBS ?= $(shell nproc)
CMAKE_ARGS ?=
SETUP_STAMP := .venv/.nplab-setup

# ccache (when installed) shares objects between clones of the repo: paths relative to the
# checkout, no working directory in the hash, and precompiled headers allowed.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
export CCACHE_SLOPPINESS := pch_defines,time_macros,include_file_mtime,include_file_ctime

.PHONY: all setup configure build run test bench train clean format install package

all: build

# scripts/setup.sh is idempotent; the stamp only saves the seconds of re-checking.
$(SETUP_STAMP): scripts/setup.sh
	NPLAB_NO_GUI=$(if $(filter OFF,$(GUI)),1,0) ./scripts/setup.sh
	@touch $@

setup:
	NPLAB_NO_GUI=$(if $(filter OFF,$(GUI)),1,0) ./scripts/setup.sh
	@touch $(SETUP_STAMP)

$(BUILD_DIR)/CMakeCache.txt: $(SETUP_STAMP)
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DNPLAB_BUILD_GUI=$(GUI) \
	  -DCMAKE_PREFIX_PATH="$$(.venv/bin/python -c 'import torch.utils; print(torch.utils.cmake_prefix_path)' 2>/dev/null)" \
	  $(CMAKE_ARGS)

configure: $(BUILD_DIR)/CMakeCache.txt

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/bin/nplab

# One intra-op thread per test: ctest already runs tests in parallel, and oversubscribed OpenMP
# pools slow LibTorch down by an order of magnitude on a busy 2-core machine.
test: build
	cd $(BUILD_DIR) && OMP_NUM_THREADS=1 ctest --output-on-failure -j $(JOBS) --timeout 600

# `make install PREFIX=~/.local` (default /usr/local): the programs, LibTorch, models, icon.
PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD_DIR) --prefix $(PREFIX)

# A Debian package of the installed tree (build/nplab_VERSION_ARCH.deb): CPack, prefix /usr.
package: build
	cd $(BUILD_DIR) && cpack -G DEB

bench: build
	$(BUILD_DIR)/bin/nplab-cli bench cmab --n 100,1000,10000,100000 --new 1 --csv

# The shipped GP models, trained with the protocol of DESIGN.md §5 (Adam 5e-4 with a cosine
# schedule, batch 16, RBF tasks) and evaluated into their model cards. Interrupting (Ctrl-C) saves;
# running `make train` again resumes where it stopped. `make train STEPS=2000` for a short run.
STEPS ?= 100000
TRAIN_MODELS ?= cmanp tnpd lbanp cnp tnpkr
EVAL_DATA ?= gp-rbf gp-matern gp-periodic gp-tnoise
EVAL_BATCHES ?= 3000
# Idle OpenMP workers sleep instead of spinning: on a shared machine spinning workers of a
# two-thread pool slowed training by up to 10x (measured); on an idle one sleeping workers cost
# the second thread's gain instead (docs/training.md), so `make train OMP_WAIT_POLICY=` there.
OMP_WAIT_POLICY ?= PASSIVE

NPLAB_CLI = OMP_WAIT_POLICY=$(OMP_WAIT_POLICY) $(BUILD_DIR)/bin/nplab-cli

train: build
	@set -e; for model in $(TRAIN_MODELS); do \
	  $(NPLAB_CLI) train --model $$model --data gp-rbf --steps $(STEPS) --batch 16 --lr 5e-4 \
	    --seed 0 --out models/$$model --resume; \
	  for data in $(EVAL_DATA); do \
	    $(NPLAB_CLI) eval --checkpoint models/$$model.pt --data $$data --batches $(EVAL_BATCHES) \
	      --batch-size 16 --seed 0 --write-card; \
	  done; \
	done

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD_DIR)
