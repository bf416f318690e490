#!/bin/sh
# Builds the Go SDK probes into OUTPUT_DIR:
#   OUTPUT_DIR/go-v2-probe   tag sdkv2 (Debian golang-github-aws-aws-sdk-go-v2-dev)
#   OUTPUT_DIR/go-v1-probe   tag sdkv1 (Debian golang-github-aws-aws-sdk-go-dev)
#
# Usage: clients/build-go-probes.sh OUTPUT_DIR [test]    (e.g. build/clients)
#   With "test", also runs the probes' unit tests (go vet and go test; no
#   network, no SDK call).
#
# GOPATH mode against the Debian packages in /usr/share/gocode: nothing is
# downloaded (GO111MODULE=off, GOPROXY=off; GOENV=off and an empty GOFLAGS so
# a user's go env file or flags cannot change that). The build cache is
# private to OUTPUT_DIR (OUTPUT_DIR/go-cache). CGO_ENABLED=0: static binaries,
# no C compiler needed. Needs golang-go and the two -dev packages above;
# GO=/path/to/go picks another toolchain.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ] || { [ $# -eq 2 ] && [ "$2" != test ]; }; then
  echo "usage: $0 OUTPUT_DIR [test]" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
GO=${GO:-go}

export GO111MODULE=off GOPROXY=off GOENV=off GOFLAGS= GOWORK=off CGO_ENABLED=0
export GOCACHE="$out/go-cache"

# One source directory, clients/go/src/metamockprobe: main_v2.go and
# main_v1.go are chosen by build tag; the safety checks and tests are shared.
export GOPATH="$here/go:/usr/share/gocode"
for sdk in go-v2 go-v1; do
  tag=sdk${sdk#go-}
  "$GO" build -tags "$tag" -o "$out/$sdk-probe" metamockprobe
  echo "built $out/$sdk-probe"
  if [ $# -eq 2 ]; then
    "$GO" vet -tags "$tag" metamockprobe
    "$GO" test -tags "$tag" -count=1 metamockprobe
  fi
done
