# The two commands (README): `make run` and `make test`. Both set up what is
# missing, build Release, and leave the binary at build/lrs.
.PHONY: all setup build run test bench clean

BUILD_TYPE ?= Release
MAKEFLAGS += --no-print-directory
JOBS ?= $(shell nproc)

all: build

setup:
	@scripts/setup.sh

build: setup
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) > /dev/null
	@cmake --build build -j $(JOBS)

run: build
	@scripts/run.sh

test:
	@scripts/setup.sh --test
	@$(MAKE) --no-print-directory build
	@scripts/test.sh

bench: build
	@bench/ingest/run.sh

clean:
	rm -rf build
