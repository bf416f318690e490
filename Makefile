# metamock. On a fresh Debian 12 machine (after `apt-get install -y make`):
#   make run    installs what is missing, builds, serves 127.0.0.1:1338
#   make test   installs what is missing (SDK clients too), builds, runs all tests
#   make matrix reruns every SDK probe and rewrites docs/compatibility.md
#   make docs   rewrites docs/scenario-reference.md
# `make run ARGS="--listen 127.0.0.1:0"` passes flags through.

BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
ARGS ?=

BUILD_DEPS := cmake g++ make pkg-config libabsl-dev libcpp-httplib-dev \
  nlohmann-json3-dev libcxxopts-dev libgtest-dev libgmock-dev libssl-dev
TEST_DEPS := clang python3 python3-botocore python3-boto3 python3-jsonschema \
  awscli curl golang-go golang-github-aws-aws-sdk-go-v2-dev \
  golang-github-aws-aws-sdk-go-dev iproute2 python3-pytest python3-yaml
# Only `docker-compose config` is used (there is no engine): installed
# without its Recommends, which would pull in docker.io.
NO_RECOMMENDS_TEST_DEPS := docker-compose

.PHONY: all run test build deps test-deps thread-safety matrix docs clean

all: build

deps:
	@./scripts/install-deps.sh $(BUILD_DEPS)

test-deps:
	@./scripts/install-deps.sh $(BUILD_DEPS) $(TEST_DEPS)
	@INSTALL_NO_RECOMMENDS=1 ./scripts/install-deps.sh $(NO_RECOMMENDS_TEST_DEPS)
	@command -v node >/dev/null 2>&1 || ./scripts/install-deps.sh nodejs npm
	@# The JS SDK installs into the build tree, next to a copy of the probe,
	@# so that no third-party code lands in the source tree.
	mkdir -p $(BUILD_DIR)/js-v3
	cp clients/js-v3/package.json clients/js-v3/package-lock.json \
	  clients/js-v3/probe.mjs $(BUILD_DIR)/js-v3/
	cd $(BUILD_DIR)/js-v3 && npm ci --no-audit --no-fund
	mkdir -p $(BUILD_DIR)/recipes-jest
	cp docs/recipes/jest/package.json docs/recipes/jest/package-lock.json \
	  $(BUILD_DIR)/recipes-jest/
	cd $(BUILD_DIR)/recipes-jest && npm ci --no-audit --no-fund
	./clients/build-go-probes.sh $(BUILD_DIR)/clients test

define configure_and_build
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(1)
	cmake --build $(BUILD_DIR) -j $(JOBS) $(2)
endef

build: deps
	$(call configure_and_build,,--target metamock)

run: build
	$(BUILD_DIR)/server/metamock $(ARGS)

test: test-deps thread-safety
	$(call configure_and_build,-DMETAMOCK_BUILD_TESTS=ON -DMETAMOCK_WERROR=ON)
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

# clang's -Wthread-safety checks every ABSL_GUARDED_BY; g++ has no such check.
thread-safety: test-deps
	CXX=clang++ cmake -S . -B $(BUILD_DIR)-clang -DCMAKE_BUILD_TYPE=Debug \
	  -DMETAMOCK_BUILD_TESTS=OFF -DMETAMOCK_WERROR=ON
	cmake --build $(BUILD_DIR)-clang -j $(JOBS)

# Regenerates clients/matrix/expected.json and docs/compatibility.md.
matrix: test-deps build
	/usr/bin/python3 clients/matrix/matrix.py --update \
	  --metamock $(BUILD_DIR)/server/metamock --build-dir $(BUILD_DIR)

# Regenerates docs/scenario-reference.md (scenarios, schema, and the wire).
docs: build
	@./scripts/install-deps.sh python3
	/usr/bin/python3 docs/gen/scenario_reference.py --update \
	  --metamock $(BUILD_DIR)/server/metamock

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR)-clang
