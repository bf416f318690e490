#!/bin/bash
# The network-namespace test: metamock as a drop-in for the real endpoints.
#
# Usage: bash tests/netns/netns_test.sh METAMOCK_BINARY BUILD_DIR
#
# BUILD_DIR holds clients/go-v2-probe, clients/go-v1-probe and js-v3/
# (probe.mjs + node_modules), as `make test-deps` leaves them; the botocore
# and aws-cli probes come from the source tree (clients/, next to tests/).
#
# The script re-executes itself inside a network namespace of its own
# (`unshare -n`, plus a PID namespace when permitted so that nothing it
# started can outlive it). Inside, before anything else, it checks that it is
# not in the namespace it started from nor in PID 1's, and that the namespace
# has no interface but `lo` (`ip -o link` and /proc/net/dev); if any other
# interface exists it refuses to run (exit 1). Then it brings `lo` up,
# assigns 169.254.169.254/32, 169.254.170.2/32 and 169.254.170.23/32 (and
# fd00:ec2::254/128, fd00:ec2::23/128 when IPv6 works there) to `lo`, runs
# metamock on port 80 of those addresses, and runs the real-SDK probes with
# NO endpoint overrides:
#
#   imds         nothing set: each SDK's default chain finds IMDS at
#                169.254.169.254 (and, with AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE
#                =IPv6, at [fd00:ec2::254]); the key equals the one curl reads
#                from .../iam/security-credentials/<role>.
#   ecs          exactly what the ECS agent injects, from
#                /_metamock/env?for=ecs&where=container
#                (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, ECS_CONTAINER_METADATA_URI[_V4]),
#                plus AWS_EC2_METADATA_DISABLED=true; the key equals the task's.
#   eks          what EKS Pod Identity injects, from
#                /_metamock/env?for=eks&where=container (the full URI
#                http://169.254.170.23/v1/credentials and a token file). The
#                file the pod would have, /var/run/secrets/pods.eks.amazonaws.com/...,
#                is not created on this machine: the token (from
#                /_metamock/env?for=eks&where=host) is written to a file in a
#                scratch directory and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
#                points there; that is the only value changed. The JS SDK v3
#                resolves the pod's key; the Debian SDKs (botocore 1.29, AWS CLI
#                2.9, Go v2 1.17, Go v1 1.44) and the JS fromContainerMetadata
#                reject the address or do not read the token file: their exact
#                errors are asserted as expected failures.
#   unreachable  both kinds, at 169.254.169.254:
#                emulated (scenario imds-unreachable: metamock accepts and never
#                answers): curl and the SDKs time out;
#                real (the address is assigned to lo but nothing is bound to it:
#                metamock restarted without that listener): the kernel refuses
#                the connection at once, and the SDKs say "connection refused".
#
# Output: `PASS name` / `FAIL name: reason` per check, NOTE lines, then
# `N passed, M failed`. Exit 0 if every check passed, 1 otherwise, 2 for bad
# usage. Where network namespaces are not permitted (no root and no user
# namespaces) it prints `SKIP: network namespaces are not permitted here
# (...)` and exits 0.
#
# Safety (DESIGN.md "Safety rule"): every packet stays inside the namespace,
# which has only `lo`; the probes get METAMOCK_PROBE_IN_NETNS=1 only from
# run_probe, which refuses unless the namespace was verified (and re-checks
# it before every probe); outside the namespace this script runs no probe and
# sends nothing. Probes only resolve credentials: nothing is signed, no AWS
# service is called; the environment is `env -i` with config files /dev/null
# and no web-identity variables. Every wait is bounded (each probe 40 s, the
# namespace run 170 s).

set -u

SELF=$(readlink -f -- "$0")
SRC_DIR=$(cd "$(dirname "$SELF")/../.." && pwd)

INNER_TIMEOUT_S=170
PROBE_TIMEOUT_S=40
STARTUP_TIMEOUT_S=10

IMDS4=169.254.169.254
ECS4=169.254.170.2
EKS4=169.254.170.23
IMDS6=fd00:ec2::254
EKS6=fd00:ec2::23

# --- the namespace guard -------------------------------------------------------

# interfaces: the names of this namespace's interfaces, one per line, from
# `ip -o link` and from /proc/net/dev (per network namespace), deduplicated.
interfaces() {
  {
    ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'
    tail -n +3 /proc/net/dev 2>/dev/null | awk -F: '{ gsub(/ /, "", $1); print $1 }'
  } | sort -u
}

# only_lo: true when the namespace's only interface is lo; sets OTHER_IFACES.
only_lo() {
  local names
  names=$(interfaces)
  OTHER_IFACES=$(printf '%s\n' "$names" | grep -vx lo | paste -sd, -)
  [ "$names" = lo ]
}

# --- the outer part: runs on the host, starts the namespace --------------------

outer() {
  if [ $# -ne 2 ]; then
    echo "usage: bash $0 METAMOCK_BINARY BUILD_DIR" >&2
    exit 2
  fi
  local metamock build
  metamock=$(readlink -f -- "$1" || printf '%s' "$1")
  build=$(readlink -f -- "$2" || printf '%s' "$2")

  local passed=0 failed=0
  finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
    exit $?
  }
  # Preconditions that make the whole run meaningless.
  local missing=()
  [ -x "$metamock" ] || missing+=("$metamock is not an executable file")
  [ -d "$build" ] || missing+=("$build is not a directory")
  command -v ip >/dev/null 2>&1 || missing+=("ip is missing (apt-get install iproute2)")
  command -v curl >/dev/null 2>&1 || missing+=("curl is missing (make test-deps)")
  [ -x /usr/bin/python3 ] || missing+=("/usr/bin/python3 is missing (make test-deps)")
  command -v unshare >/dev/null 2>&1 || missing+=("unshare is missing (util-linux)")
  if [ ${#missing[@]} -gt 0 ]; then
    local m
    for m in "${missing[@]}"; do echo "FAIL precondition: $m"; failed=$((failed + 1)); done
    finish
  fi

  # Are network namespaces permitted? As root `unshare -n`; otherwise a user
  # namespace too (`unshare -r -n`), which gives the namespace's root.
  local ns_flags=() err1 err2
  if err1=$(unshare -n true 2>&1); then
    ns_flags=(-n)
  elif err2=$(unshare -r -n true 2>&1); then
    ns_flags=(-r -n)
  else
    echo "SKIP: network namespaces are not permitted here (unshare -n: ${err1:-failed}; unshare -r -n: ${err2:-failed})"
    echo "0 passed, 0 failed"
    exit 0
  fi
  # A PID namespace as well, when permitted: when the run ends or is killed,
  # the kernel ends everything it started (metamock included).
  if unshare "${ns_flags[@]}" -p -f --kill-child true 2>/dev/null; then
    ns_flags+=(-p -f --kill-child)
  fi
  local outer_ns
  outer_ns=$(readlink /proc/self/ns/net)
  echo "namespace: unshare ${ns_flags[*]} (started from $outer_ns)"

  WORK=$(mktemp -d "${TMPDIR:-/tmp}/netns_test.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT

  # The guard itself: a namespace with one interface more than lo (an
  # unconnected bridge, or a veth pair, created inside the new namespace)
  # must be refused before anything runs.
  local out rc
  # shellcheck disable=SC2016 # expanded by the inner bash
  out=$(timeout -k 5 60 unshare "${ns_flags[@]}" bash -c '
      ip link add metamock-guard0 type bridge 2>/dev/null ||
        ip link add metamock-guard0 type veth peer name metamock-guard1 2>/dev/null ||
        exit 99
      exec bash "$0" --inside "$@"' \
    "$SELF" "$outer_ns" "$WORK/guard" "$metamock" "$build" 2>&1)
  rc=$?
  if [ "$rc" = 99 ]; then
    echo "NOTE guard self-test not run: no extra interface (bridge or veth) can be created in a namespace here"
  elif [ "$rc" = 1 ] && [[ "$out" == *"refusing to run"*metamock-guard0* ]]; then
    out=${out%%$'\n'*}
    echo "PASS guard: a namespace with another interface is refused (${out#FAIL namespace guard: })"
    passed=$((passed + 1))
  else
    echo "FAIL guard: a namespace with another interface was not refused (exit $rc): $(printf '%s' "$out" | head -c 600)"
    failed=$((failed + 1))
  fi

  # The test proper.
  mkdir -p "$WORK/run"
  local log="$WORK/run.log" start end
  start=$(date +%s%N)
  timeout -k 5 "$INNER_TIMEOUT_S" unshare "${ns_flags[@]}" \
    bash "$SELF" --inside "$outer_ns" "$WORK/run" "$metamock" "$build" 2>&1 |
    tee "$log"
  rc=${PIPESTATUS[0]}
  end=$(date +%s%N)
  passed=$((passed + $(grep -c '^PASS ' "$log")))
  failed=$((failed + $(grep -c '^FAIL ' "$log")))
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    echo "FAIL namespace run: stopped after ${INNER_TIMEOUT_S}s"
    failed=$((failed + 1))
  elif [ "$rc" != 0 ] && ! grep -q '^FAIL ' "$log"; then
    echo "FAIL namespace run: exited $rc without a FAIL line"
    failed=$((failed + 1))
  fi
  echo "namespace run: $(((end - start) / 1000000)) ms"
  finish
}

# --- the inner part: runs inside the namespace ----------------------------------

inner() {
  local outer_ns=$1
  WORK=$2 METAMOCK=$3 BUILD=$4

  refuse() {
    echo "FAIL namespace guard: refusing to run: $1"
    exit 1
  }
  # 1. Is this a namespace of our own, with only lo?
  local my_ns init_ns
  my_ns=$(readlink /proc/self/ns/net) || refuse "cannot read /proc/self/ns/net"
  [ "$my_ns" != "$outer_ns" ] ||
    refuse "this is the namespace the test started from ($my_ns), not one it created"
  init_ns=$(readlink /proc/1/ns/net 2>/dev/null)
  [ -z "$init_ns" ] || [ "$my_ns" != "$init_ns" ] ||
    refuse "this is PID 1's network namespace ($my_ns), not one the test created"
  only_lo ||
    refuse "the namespace has interfaces other than lo: $OTHER_IFACES (it must have only lo)"
  ip link set lo up || refuse "cannot bring lo up"
  only_lo || refuse "the namespace has interfaces other than lo: $OTHER_IFACES"
  VERIFIED_NS=$my_ns

  mkdir -p "$WORK" || refuse "cannot create $WORK"
  SERVER_PID='' PROBE_PID=''
  trap 'stop_probe; stop_metamock; exit 1' TERM INT
  trap 'stop_metamock' EXIT

  pass() { echo "PASS $1"; }
  fail() { echo "FAIL $1: $2"; INNER_FAILED=$((INNER_FAILED + 1)); }
  note() { echo "NOTE $1"; }

  # 2. The addresses.
  local a
  for a in $IMDS4 $ECS4 $EKS4; do
    ip addr add "$a/32" dev lo || refuse "cannot add $a/32 to lo"
  done
  HAVE_IPV6=0
  if ip -6 addr add "$IMDS6/128" dev lo nodad 2>/dev/null &&
    ip -6 addr add "$EKS6/128" dev lo nodad 2>/dev/null; then
    HAVE_IPV6=1
  else
    note "IPv6 does not work in this namespace: the IPv6 checks are left out"
  fi
  pass "namespace $my_ns: only lo, which holds $(ip -o addr show dev lo | awk '{print $4}' | paste -sd' ' -)"

  # 3. metamock on port 80 of the real addresses.
  local listens=("$IMDS4:80" "$ECS4:80" "$EKS4:80")
  [ "$HAVE_IPV6" = 1 ] && listens+=("[$IMDS6]:80" "[$EKS6]:80")
  if ! start_metamock healthy "${listens[@]}"; then
    return
  fi
  pass "metamock serves ${listens[*]} (scenario healthy)"

  phase_imds
  phase_ecs
  phase_eks
  phase_emulated_unreachable
  stop_metamock
  phase_refused
  stop_metamock
}

# start_metamock NAME LISTEN...: starts metamock (scenario healthy) on the
# listeners and waits (bounded) for exactly their `listening on` lines.
start_metamock() {
  local name=$1 out="$WORK/metamock-$1.out" args=() l i want got
  shift
  for l in "$@"; do args+=(--listen "$l"); done
  "$METAMOCK" "${args[@]}" --scenario healthy --seed 7 --quiet \
    >"$out" 2>"$WORK/metamock-$name.err" </dev/null &
  SERVER_PID=$!
  want=$(for l in "$@"; do echo "listening on http://$l"; done)
  for ((i = 0; i < STARTUP_TIMEOUT_S * 10; i++)); do
    got=$(grep '^listening on ' "$out" 2>/dev/null)
    [ "$(printf '%s\n' "$got" | grep -c .)" -ge $# ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ "$got" != "$want" ]; then
    fail "metamock ($name) listening" "expected
$want
got
$got
stderr: $(head -c 800 "$WORK/metamock-$name.err")"
    return 1
  fi
}

# shellcheck disable=SC2317 # called from the TERM/INT trap
stop_probe() {
  [ -n "${PROBE_PID:-}" ] || return 0
  kill -TERM "$PROBE_PID" 2>/dev/null
  wait "$PROBE_PID" 2>/dev/null
  PROBE_PID=
}

stop_metamock() {
  local i
  [ -n "${SERVER_PID:-}" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null
  for ((i = 0; i < 50; i++)); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=
}

# http [CURL ARGS...] URL: the body, then a last line with the status; no
# proxy, no redirects, bounded.
http() {
  curl -s --noproxy '*' --max-time 5 --proto =http -w '\n%{http_code}' "$@"
}
status_of() { printf '%s' "${1##*$'\n'}"; }
body_of() { printf '%s' "${1%$'\n'*}"; }

# py CODE ARGS...: Debian's python3 (the JSON work).
py() { /usr/bin/python3 -c "$@"; }

# key_sha JSON: the SHA-256 of the document's AccessKeyId (empty if none).
key_sha() {
  printf '%s' "$1" | py '
import hashlib, json, sys
try:
    key = json.load(sys.stdin)["AccessKeyId"]
except Exception:
    sys.exit(1)
print(hashlib.sha256(key.encode()).hexdigest())'
}

# env_pairs JSON: NAME=VALUE, NUL-terminated, for each entry of a flat object.
env_pairs() {
  printf '%s' "$1" | py '
import json, sys
for k, v in json.load(sys.stdin).items():
    sys.stdout.write(f"{k}={v}\0")'
}

# json_get JSON KEY: one string value (exit 1 if absent).
json_get() {
  printf '%s' "$1" | py '
import json, sys
v = json.load(sys.stdin).get(sys.argv[1])
if not isinstance(v, str):
    sys.exit(1)
print(v)' "$2"
}

# journal_last_seq: the highest seq in metamock's journal (0 if empty).
journal_last_seq() {
  body_of "$(http "http://$ECS4/_metamock/requests")" | py '
import json, sys
try:
    print(max([r["seq"] for r in json.load(sys.stdin)["requests"]] + [0]))
except Exception:
    print(0)'
}

# --- probes --------------------------------------------------------------------

# assert_namespace: the verified namespace, still with only lo (before every
# probe: METAMOCK_PROBE_IN_NETNS=1 is set nowhere else).
assert_namespace() {
  [ -n "${VERIFIED_NS:-}" ] &&
    [ "$(readlink /proc/self/ns/net)" = "$VERIFIED_NS" ] &&
    only_lo
}

# probe_command SDK PROVIDER: sets CMD to the probe's command line.
probe_command() {
  case $1 in
    botocore) CMD=(/usr/bin/python3 "$SRC_DIR/clients/botocore/probe.py" "$2") ;;
    aws-cli) CMD=(bash "$SRC_DIR/clients/aws-cli/probe.sh" "$2") ;;
    go-v2) CMD=("$BUILD/clients/go-v2-probe" "$2") ;;
    go-v1) CMD=("$BUILD/clients/go-v1-probe" "$2") ;;
    js-v3) CMD=(node "$BUILD/js-v3/probe.mjs" "$2") ;;
  esac
}

probe_missing() {
  case $1 in
    botocore) [ -f "$SRC_DIR/clients/botocore/probe.py" ] || echo "$SRC_DIR/clients/botocore/probe.py is missing" ;;
    aws-cli) [ -x /usr/bin/aws ] || echo "/usr/bin/aws is missing (make test-deps)" ;;
    go-v2 | go-v1) [ -x "$BUILD/clients/$1-probe" ] || echo "$BUILD/clients/$1-probe is missing (make test-deps builds it)" ;;
    js-v3)
      if ! command -v node >/dev/null 2>&1; then
        echo "node is missing (make test-deps)"
      elif [ ! -f "$BUILD/js-v3/node_modules/@aws-sdk/credential-providers/package.json" ]; then
        echo "$BUILD/js-v3/node_modules is missing (make test-deps runs npm ci there)"
      fi
      ;;
  esac
}

# run_probe SDK PROVIDER [NAME=VALUE...]: runs the probe in a clean
# environment plus the given variables; sets P_OUTCOME, P_KEYSHA, P_PREFIX,
# P_ERROR, P_MS, P_VERSION, P_LINE (P_OUTCOME "refused" / "broken" when it
# could not run).
run_probe() {
  local sdk=$1 provider=$2 line rc
  shift 2
  P_OUTCOME=broken P_KEYSHA='' P_PREFIX='' P_ERROR='' P_MS='' P_VERSION='' P_LINE=''
  if ! assert_namespace; then
    P_OUTCOME=refused
    P_ERROR="not inside the verified namespace with only lo: the probe was not run"
    return
  fi
  P_ERROR=$(probe_missing "$sdk")
  [ -z "$P_ERROR" ] || return
  probe_command "$sdk" "$provider"
  mkdir -p "$WORK/home"
  # In the background, so that a TERM to this shell is handled at once (the
  # trap stops the probe and metamock).
  (cd "$WORK" && exec timeout -k 2 "$PROBE_TIMEOUT_S" env -i \
    PATH="$PATH" HOME="$WORK/home" \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 NO_PROXY='*' \
    METAMOCK_PROBE_IN_NETNS=1 \
    "$@" "${CMD[@]}" >"$WORK/probe.out" 2>"$WORK/probe.err" </dev/null) &
  PROBE_PID=$!
  wait "$PROBE_PID"
  rc=$?
  PROBE_PID=
  line=$(tail -n 1 "$WORK/probe.out")
  P_LINE=$line
  eval "$(printf '%s' "$line" | py '
import json, shlex, sys
try:
    d = json.load(sys.stdin)
except Exception:
    d = {}
def q(v):
    return shlex.quote("" if v is None else str(v))
error = d.get("error")
# go-v1: the chain error is generic; error_verbose names the provider error.
if d.get("error_verbose"):
    error = str(error) + " | " + d["error_verbose"]
print("P_OUTCOME=" + q(d.get("outcome") or "broken"))
print("P_KEYSHA=" + q(d.get("access_key_sha256")))
print("P_PREFIX=" + q(d.get("access_key_prefix")))
print("P_ERROR=" + q(error))
print("P_MS=" + q(d.get("ms")))
print("P_VERSION=" + q(d.get("version")))')"
  if [ "$rc" != 0 ] && [ "$P_OUTCOME" != error ]; then
    P_OUTCOME=broken
    P_ERROR="exit $rc: ${P_LINE:-no output} $(head -c 600 "$WORK/probe.err" | tr '\n' ' ')"
  elif [ "$rc" != 0 ]; then
    P_OUTCOME=broken
    P_ERROR="exit $rc: $P_ERROR $(head -c 600 "$WORK/probe.err" | tr '\n' ' ')"
  fi
}

# one_line TEXT: TEXT on one line (newlines and tabs as \n and \t).
one_line() {
  local t=${1//$'\n'/\\n}
  printf '%s' "${t//$'\t'/\\t}"
}

# expect_credentials CHECK EXPECTED_SHA SDK PROVIDER [NAME=VALUE...]
expect_credentials() {
  local check=$1 want=$2 sdk=$3 provider=$4
  shift 2
  run_probe "$@"
  if [ "$P_OUTCOME" = credentials ] && [ -n "$want" ] && [ "$P_KEYSHA" = "$want" ]; then
    pass "$check: $sdk $P_VERSION $provider resolved $P_PREFIX... (${P_MS} ms)"
  elif [ "$P_OUTCOME" = credentials ]; then
    fail "$check" "$sdk $provider resolved $P_PREFIX..., not the expected key (sha256 $P_KEYSHA, want ${want:-unknown})"
  else
    fail "$check" "$sdk $provider: $P_OUTCOME: $(one_line "$P_ERROR")"
  fi
}

# expect_error CHECK SUBSTRING SDK PROVIDER [NAME=VALUE...]: the SDK fails
# with an error that contains SUBSTRING (and, when FORBID is set, not it).
expect_error() {
  local check=$1 want=$2 sdk=$3 provider=$4
  shift 2
  run_probe "$@"
  if [ "$P_OUTCOME" = error ] && [[ "$P_ERROR" == *"$want"* ]] &&
    { [ -z "${FORBID:-}" ] || [[ "$P_ERROR" != *"$FORBID"* ]]; }; then
    pass "$check: $sdk $P_VERSION $provider fails as expected (${P_MS} ms): $(one_line "$P_ERROR")"
  elif [ "$P_OUTCOME" = error ]; then
    fail "$check" "$sdk $provider failed, but the error does not contain \"$(one_line "$want")\"${FORBID:+ or contains \"$FORBID\"}: $(one_line "$P_ERROR")"
  else
    fail "$check" "$sdk $provider: expected an error containing \"$(one_line "$want")\", got $P_OUTCOME ${P_PREFIX:+$P_PREFIX... }$(one_line "$P_ERROR")"
  fi
}

# --- phases --------------------------------------------------------------------

# IMDS at its default addresses, nothing set.
phase_imds() {
  local answer role want sdk
  answer=$(http "http://$IMDS4/latest/meta-data/iam/security-credentials/")
  role=$(body_of "$answer")
  if [ "$(status_of "$answer")" != 200 ] || [ -z "$role" ]; then
    fail "imds: role listing" "GET http://$IMDS4/latest/meta-data/iam/security-credentials/ answered $(status_of "$answer"): $role"
    return
  fi
  answer=$(http "http://$IMDS4/latest/meta-data/iam/security-credentials/$role")
  want=$(key_sha "$(body_of "$answer")")
  if [ -z "$want" ]; then
    fail "imds: credentials document" "GET .../security-credentials/$role: $(body_of "$answer")"
    return
  fi
  pass "imds: curl http://$IMDS4/latest/meta-data/iam/security-credentials/$role gives the instance's key"
  expect_credentials "imds (no override)" "$want" botocore chain
  expect_credentials "imds (no override)" "$want" aws-cli chain
  expect_credentials "imds (no override)" "$want" go-v2 chain
  expect_credentials "imds (no override)" "$want" go-v1 chain
  expect_credentials "imds (no override)" "$want" js-v3 fromNodeProviderChain
  if [ "$HAVE_IPV6" = 1 ]; then
    answer=$(http -g "http://[$IMDS6]/latest/meta-data/iam/security-credentials/$role")
    if [ "$(key_sha "$(body_of "$answer")")" != "$want" ]; then
      fail "imds ipv6: curl" "GET http://[$IMDS6]/...: $(body_of "$answer")"
    fi
    for sdk in botocore aws-cli go-v2 go-v1; do
      expect_credentials "imds ipv6 (ENDPOINT_MODE=IPv6)" "$want" $sdk chain \
        AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6
    done
    expect_credentials "imds ipv6 (ENDPOINT_MODE=IPv6)" "$want" js-v3 fromNodeProviderChain \
      AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6
  fi
}

# ECS: what the agent injects.
phase_ecs() {
  local answer body rel want v4 injected=()
  answer=$(http "http://$ECS4/_metamock/env?for=ecs&where=container")
  body=$(body_of "$answer")
  rel=$(json_get "$body" AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)
  v4=$(json_get "$body" ECS_CONTAINER_METADATA_URI_V4)
  if [ "$(status_of "$answer")" != 200 ] || [[ "$rel" != /v2/credentials/* ]] ||
    json_get "$body" AWS_CONTAINER_CREDENTIALS_FULL_URI >/dev/null ||
    [[ "$v4" != "http://$ECS4/v4/"* ]]; then
    fail "ecs: env for=ecs&where=container" "expected RELATIVE_URI /v2/credentials/<id> and ECS_CONTAINER_METADATA_URI_V4 on http://$ECS4/, no FULL_URI; got $(status_of "$answer"): $body"
    return
  fi
  mapfile -d '' injected < <(env_pairs "$body")
  pass "ecs: the agent injects ${injected[*]}"
  answer=$(http "http://$ECS4$rel")
  want=$(key_sha "$(body_of "$answer")")
  if [ -z "$want" ]; then
    fail "ecs: credentials document" "GET http://$ECS4$rel: $(body_of "$answer")"
    return
  fi
  answer=$(http "$v4")
  if [ "$(status_of "$answer")" = 200 ] && py 'import json,sys; json.loads(sys.argv[1])' "$(body_of "$answer")" 2>/dev/null; then
    pass "ecs: GET \$ECS_CONTAINER_METADATA_URI_V4 ($v4) answers 200 with JSON"
  else
    fail "ecs: task metadata" "GET $v4 answered $(status_of "$answer"): $(body_of "$answer" | head -c 300)"
  fi
  local e=("${injected[@]}" AWS_EC2_METADATA_DISABLED=true)
  expect_credentials "ecs (RELATIVE_URI)" "$want" botocore chain "${e[@]}"
  expect_credentials "ecs (RELATIVE_URI)" "$want" botocore container "${e[@]}"
  expect_credentials "ecs (RELATIVE_URI)" "$want" aws-cli chain "${e[@]}"
  expect_credentials "ecs (RELATIVE_URI)" "$want" go-v2 chain "${e[@]}"
  expect_credentials "ecs (RELATIVE_URI)" "$want" go-v1 chain "${e[@]}"
  expect_credentials "ecs (RELATIVE_URI)" "$want" js-v3 fromNodeProviderChain "${e[@]}"
  expect_credentials "ecs (RELATIVE_URI)" "$want" js-v3 fromContainerMetadata "${e[@]}"
  expect_credentials "ecs (RELATIVE_URI)" "$want" js-v3 fromHttp "${e[@]}"
}

# EKS Pod Identity: what the pod gets (the token file relocated, see above).
phase_eks() {
  local answer body host_body full pod_file token want tokfile injected=() pair e=()
  answer=$(http "http://$ECS4/_metamock/env?for=eks&where=container")
  body=$(body_of "$answer")
  full=$(json_get "$body" AWS_CONTAINER_CREDENTIALS_FULL_URI)
  pod_file=$(json_get "$body" AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)
  if [ "$(status_of "$answer")" != 200 ] || [ "$full" != "http://$EKS4/v1/credentials" ] ||
    [[ "$pod_file" != /var/run/secrets/* ]] ||
    json_get "$body" AWS_CONTAINER_AUTHORIZATION_TOKEN >/dev/null; then
    fail "eks: env for=eks&where=container" "expected FULL_URI http://$EKS4/v1/credentials and a token file under /var/run/secrets/ (no inline token); got $(status_of "$answer"): $body"
    return
  fi
  host_body=$(body_of "$(http "http://$ECS4/_metamock/env?for=eks&where=host")")
  token=$(json_get "$host_body" AWS_CONTAINER_AUTHORIZATION_TOKEN)
  if [ -z "$token" ]; then
    fail "eks: env for=eks&where=host" "no AWS_CONTAINER_AUTHORIZATION_TOKEN: $host_body"
    return
  fi
  tokfile="$WORK/eks-pod-identity-token"
  (umask 077 && printf '%s' "$token" >"$tokfile")
  mapfile -d '' injected < <(env_pairs "$body")
  for pair in "${injected[@]}"; do
    if [[ "$pair" == AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=* ]]; then
      e+=("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$tokfile")
    else
      e+=("$pair")
    fi
  done
  pass "eks: the pod gets ${injected[*]}"
  note "eks: the pod's token file $pod_file is not created here; the token is in $tokfile and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE points there"
  answer=$(http -H "Authorization: $token" "$full")
  want=$(key_sha "$(body_of "$answer")")
  if [ -z "$want" ]; then
    fail "eks: credentials document" "GET $full with the token: $(body_of "$answer")"
    return
  fi
  e+=(AWS_EC2_METADATA_DISABLED=true)
  expect_credentials "eks (FULL_URI + token file)" "$want" js-v3 fromNodeProviderChain "${e[@]}"
  expect_credentials "eks (FULL_URI + token file)" "$want" js-v3 fromHttp "${e[@]}"
  # The Debian SDKs predate Pod Identity: they allow only 169.254.170.2 and
  # loopback hosts, and read no token file.
  local x="eks expected failure"
  expect_error "$x (host not allowed)" "Unsupported host '$EKS4'" botocore chain "${e[@]}"
  expect_error "$x (host not allowed)" "Unsupported host '$EKS4'" aws-cli chain "${e[@]}"
  expect_error "$x (host not allowed)" "invalid endpoint host, \"$EKS4\", only loopback hosts are allowed" go-v2 chain "${e[@]}"
  expect_error "$x (host not allowed)" "CredentialsEndpointError: invalid endpoint host, \"$EKS4\", only loopback hosts are allowed" go-v1 chain "${e[@]}"
  expect_error "$x (host not allowed)" "$EKS4 is not a valid container metadata service hostname" js-v3 fromContainerMetadata "${e[@]}"
  # endpointcreds used directly accepts the address but reads no token file,
  # so it sends no token: the agent answers 400 "Service account token
  # cannot be empty." (text, which the Go SDKs fail to decode as JSON).
  local since
  since=$(journal_last_seq)
  expect_error "$x (token file not read)" "failed to load credentials, deserialization failed, failed to decode error message" go-v2 container "${e[@]}"
  expect_error "$x (token file not read)" $'CredentialsEndpointError: failed to load credentials\ncaused by: SerializationError: failed to decode error message\n\tstatus code: 400' go-v1 container "${e[@]}"
  answer=$(http "http://$ECS4/_metamock/requests?endpoint=eks&status=400&since=$since")
  local n400
  n400=$(printf '%s' "$(body_of "$answer")" | py '
import json, sys
print(len(json.load(sys.stdin).get("requests", [])))' 2>/dev/null)
  if [ "${n400:-0}" -ge 2 ]; then
    pass "$x (token file not read): metamock's journal shows $n400 GET /v1/credentials answered 400 (no token) from the Go SDKs"
  else
    fail "$x (token file not read): journal" "expected at least 2 EKS 400s since seq $since, got ${n400:-none}: $(body_of "$answer" | head -c 400)"
  fi
  if [ "$HAVE_IPV6" = 1 ]; then
    local e6=()
    for pair in "${e[@]}"; do
      if [[ "$pair" == AWS_CONTAINER_CREDENTIALS_FULL_URI=* ]]; then
        e6+=("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://[$EKS6]/v1/credentials")
      else
        e6+=("$pair")
      fi
    done
    expect_credentials "eks ipv6 (FULL_URI http://[$EKS6]/v1/credentials)" "$want" js-v3 fromHttp "${e6[@]}"
  fi
}

# Emulated unreachable: metamock accepts on 169.254.169.254:80 and never
# answers (scenario imds-unreachable); clients time out.
phase_emulated_unreachable() {
  local answer out rc start ms
  answer=$(http -X POST -H 'Content-Type: application/json' \
    --data '{"name":"imds-unreachable"}' "http://$ECS4/_metamock/scenario")
  if [ "$(status_of "$answer")" != 200 ]; then
    fail "unreachable (emulated): switch scenario" "POST /_metamock/scenario answered $(status_of "$answer"): $(body_of "$answer")"
    return
  fi
  start=$(date +%s%N)
  out=$(curl -sS --noproxy '*' --proto =http --max-time 2 -o /dev/null \
    -w '%{time_connect}' "http://$IMDS4/latest/meta-data/" 2>&1)
  rc=$?
  ms=$((($(date +%s%N) - start) / 1000000))
  if [ "$rc" = 28 ] && [[ "$out" == *"timed out"* ]]; then
    pass "unreachable (emulated): curl connects to $IMDS4:80 and gets no answer: exit 28 after $ms ms ($(printf '%s' "$out" | grep -o 'curl: .*'))"
  else
    fail "unreachable (emulated): curl" "expected exit 28 (timeout), got $rc after $ms ms: $out"
  fi
  FORBID="refused" expect_error "unreachable (emulated)" "TimeoutError from instance metadata service" js-v3 fromInstanceMetadata
  FORBID="refused" expect_error "unreachable (emulated)" "timeout awaiting response headers" go-v2 imds
}

# A real refusal: 169.254.169.254 is on lo but nothing is bound to it.
phase_refused() {
  if ! start_metamock refused "$ECS4:80" "$EKS4:80"; then
    return
  fi
  local out rc start ms answer
  answer=$(http "http://$ECS4/_metamock/health")
  if [ "$(status_of "$answer")" = 200 ] && ip -o addr show dev lo | grep -q " $IMDS4/32 "; then
    pass "refused: $IMDS4 is assigned to lo, metamock serves only $ECS4:80 and $EKS4:80"
  else
    fail "refused: set-up" "health $(status_of "$answer"); lo: $(ip -o addr show dev lo | awk '{print $4}' | paste -sd' ' -)"
  fi
  start=$(date +%s%N)
  out=$(timeout 5 bash -c "exec 3<>/dev/tcp/$IMDS4/80" 2>&1)
  rc=$?
  ms=$((($(date +%s%N) - start) / 1000000))
  if [ "$rc" = 1 ] && [[ "$out" == *"Connection refused"* ]] && [ "$ms" -lt 1000 ]; then
    pass "refused: connect($IMDS4:80) fails at once ($ms ms): ${out##*: }"
  else
    fail "refused: connect" "expected \"Connection refused\" within 1 s, got exit $rc after $ms ms: $out"
  fi
  start=$(date +%s%N)
  out=$(curl -sS --noproxy '*' --proto =http --max-time 5 -o /dev/null "http://$IMDS4/latest/meta-data/" 2>&1)
  rc=$?
  ms=$((($(date +%s%N) - start) / 1000000))
  if [ "$rc" = 7 ] && [ "$ms" -lt 1000 ]; then
    pass "refused: curl exits 7 after $ms ms ($out)"
  else
    fail "refused: curl" "expected exit 7 within 1 s, got $rc after $ms ms: $out"
  fi
  local x="refused (address not bound)"
  FORBID="timeout" expect_error "$x" "dial tcp $IMDS4:80: connect: connection refused" go-v2 imds
  FORBID="timeout" expect_error "$x" "dial tcp $IMDS4:80: connect: connection refused" go-v1 imds
  FORBID="Timeout" expect_error "$x" "Unable to connect to instance metadata service" js-v3 fromInstanceMetadata
  # botocore swallows IMDS errors: the chain finds nothing, at once.
  run_probe botocore chain
  if [ "$P_OUTCOME" = error ] && [[ "$P_ERROR" == "Unable to locate credentials" ]] &&
    [ -n "$P_MS" ] && [ "$P_MS" -lt 1000 ]; then
    pass "$x: botocore $P_VERSION chain finds nothing at once (${P_MS} ms): $P_ERROR"
  else
    fail "$x" "botocore chain: expected \"Unable to locate credentials\" within 1 s, got $P_OUTCOME ($P_MS ms): $(one_line "$P_ERROR")"
  fi
}

# --- main -----------------------------------------------------------------------

if [ "${1-}" = --inside ]; then
  if [ $# -ne 5 ]; then
    echo "FAIL namespace guard: refusing to run: bad --inside arguments" >&2
    exit 1
  fi
  shift
  INNER_FAILED=0
  inner "$@"
  stop_metamock
  # The outer part counts the PASS and FAIL lines; this status agrees.
  [ "$INNER_FAILED" -eq 0 ]
  exit $?
fi
outer "$@"
