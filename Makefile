# SQLFlow: the two commands of README.md.
#   make run    install what is missing, build, create the sample project and run its main pipeline
#   make test   install what is missing, build, run every test (unit, end-to-end, acceptance, examples)
BUILD_DIR ?= build
JOBS ?= $(shell nproc)

.PHONY: run test build deps clean format

deps:
	@scripts/install-deps.sh

build: deps
	@scripts/build.sh

# The first command a user runs builds only what the sample needs: the sqlflow binary.
run: deps
	@scripts/build.sh sqlflow
	@scripts/run_sample.sh

test:
	@scripts/run_tests.sh

format:
	@find src tests bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
