#!/bin/bash
# Runs the test-framework recipes of docs/recipes/ for real, against the
# metamock binary: each recipe starts metamock on 127.0.0.1:0 itself, reads
# the port from its first stdout line and resolves credentials with a real
# SDK.
#
# Usage: bash tests/recipes/recipes_test.sh METAMOCK_BINARY BUILD_DIR
#
#   pytest  docs/recipes/pytest is copied to BUILD_DIR/recipes-pytest and run
#           with /usr/bin/python3 -m pytest (Debian python3-pytest,
#           python3-botocore).
#   go      docs/recipes/go/*.go are copied to
#           BUILD_DIR/recipes-go/gopath/src/example and vetted and tested in
#           GOPATH mode against Debian's golang-github-aws-aws-sdk-go-v2-dev
#           (GO111MODULE=off, GOPROXY=off, GOCACHE under BUILD_DIR): nothing
#           is downloaded.
#   jest    BUILD_DIR/recipes-jest must hold `npm ci` of docs/recipes/jest
#           (make test-deps does it); the recipe's files are copied over it
#           and Jest runs from its node_modules. Nothing from npm lands in the
#           source tree.
#
# Output: `PASS name` or `FAIL name: reason` per recipe (each recipe's own
# output before it), then `N passed, M failed`. Exit 0 if every recipe
# passed, 1 otherwise, 2 for bad usage.
#
# Safety: the recipes point the SDKs only at 127.0.0.1 (the loopback URLs of
# GET /_metamock/env, never AWS_CONTAINER_CREDENTIALS_RELATIVE_URI), with
# AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE /dev/null, and only resolve
# credentials. On top of that each recipe runs under `env -i` with no AWS_*
# variable and no proxy, and every run is bounded by `timeout`.

set -u

if [ $# -ne 2 ]; then
  echo "usage: bash $0 METAMOCK_BINARY BUILD_DIR" >&2
  exit 2
fi
METAMOCK=$(readlink -f -- "$1" || printf '%s' "$1")
mkdir -p "$2"
BUILD=$(cd "$2" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
RECIPES=$(cd "$HERE/../../docs/recipes" && pwd)

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/recipes_test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home"

# A clean environment: no AWS_* variable, no proxy, a scratch HOME.
clean_env() {
  env -i PATH="/usr/local/bin:/usr/bin:/bin" HOME="$WORK/home" LANG=C.UTF-8 \
    NO_PROXY='*' no_proxy='*' METAMOCK="$METAMOCK" "$@"
}

# run NAME TIMEOUT_S COMMAND...: runs it in a clean environment, passes when
# it exits 0.
run() {
  local name=$1 limit=$2 start end rc
  shift 2
  echo "--- $name: $*"
  start=$(date +%s.%N)
  clean_env timeout --kill-after=10 "$limit" "$@"
  rc=$?
  end=$(date +%s.%N)
  local took
  took=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  if [ "$rc" -eq 0 ]; then
    pass "$name (${took} s)"
  elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    fail "$name" "no result within ${limit} s"
  else
    fail "$name" "exit status $rc after ${took} s (output above)"
  fi
}

if [ ! -x "$METAMOCK" ]; then
  fail "metamock binary" "$METAMOCK is not an executable file"
  echo "$passed passed, $failed failed"
  exit 1
fi

# --- pytest ------------------------------------------------------------------
dir="$BUILD/recipes-pytest"
rm -rf "$dir" && mkdir -p "$dir" && cp "$RECIPES"/pytest/*.py "$dir/"
if ! /usr/bin/python3 -c 'import pytest, botocore' 2>/dev/null; then
  fail "pytest recipe" "/usr/bin/python3 lacks pytest or botocore (apt-get install -y python3-pytest python3-botocore)"
else
  run "pytest recipe" 120 env PYTHONDONTWRITEBYTECODE=1 \
    /usr/bin/python3 -m pytest -v -p no:cacheprovider --rootdir "$dir" "$dir"
fi

# --- go ------------------------------------------------------------------------
dir="$BUILD/recipes-go"
rm -rf "$dir/gopath" && mkdir -p "$dir/gopath/src/example" "$dir/go-cache"
cp "$RECIPES"/go/*.go "$dir/gopath/src/example/"
if ! command -v go >/dev/null 2>&1; then
  fail "go recipe" "no go on PATH (apt-get install -y golang-go golang-github-aws-aws-sdk-go-v2-dev)"
elif [ ! -d /usr/share/gocode/src/github.com/aws/aws-sdk-go-v2/config ]; then
  fail "go recipe" "aws-sdk-go-v2 is not in /usr/share/gocode (apt-get install -y golang-github-aws-aws-sdk-go-v2-dev)"
else
  go_env=(env GO111MODULE=off GOPROXY=off GOENV=off GOFLAGS= GOWORK=off
    CGO_ENABLED=0 GOCACHE="$dir/go-cache" GOPATH="$dir/gopath:/usr/share/gocode")
  run "go recipe: go vet" 300 "${go_env[@]}" go vet example
  run "go recipe: go test" 300 "${go_env[@]}" go test -count=1 -v example
fi

# --- jest ----------------------------------------------------------------------
dir="$BUILD/recipes-jest"
if ! command -v node >/dev/null 2>&1; then
  fail "jest recipe" "no node on PATH (make test-deps installs it)"
elif [ ! -f "$dir/node_modules/jest/bin/jest.js" ] ||
  [ ! -f "$dir/node_modules/@aws-sdk/credential-providers/package.json" ]; then
  fail "jest recipe" "$dir/node_modules is missing: run \`make test-deps\` (npm ci of docs/recipes/jest into $dir)"
elif ! cmp -s "$RECIPES/jest/package-lock.json" "$dir/package-lock.json"; then
  fail "jest recipe" "$dir was installed from another docs/recipes/jest/package-lock.json: run \`make test-deps\` again"
else
  cp "$RECIPES"/jest/*.js "$RECIPES/jest/package.json" "$dir/"
  run "jest recipe" 120 sh -c 'cd "$1" && exec node node_modules/jest/bin/jest.js --ci --runInBand --cacheDirectory "$1/.jest-cache"' \
    sh "$dir"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
