#!/bin/bash
# The JavaScript SDK v3 container providers (fromContainerMetadata from
# @smithy/credential-provider-imds, fromHttp from
# @aws-sdk/credential-provider-http, both through @aws-sdk/credential-providers)
# against the real metamock binary's ECS task credential endpoint.
#
# Usage: bash tests/sdk/js_container_test.sh METAMOCK_BINARY CLIENTS_JS_V3_DIR
#
# CLIENTS_JS_V3_DIR is a copy of clients/js-v3 after `npm ci` (make test-deps makes build/js-v3);
# its probe.mjs resolves credentials with one provider and prints one JSON
# line. Checks:
#   healthy: both providers resolve credentials whose AccessKeyId and
#     Expiration equal the document curl fetched from the same URL.
#   ecs-credentials-uninitialized (503 CredentialsUninitialized for the first
#     2 minutes of virtual time): fromContainerMetadata fails with "Error
#     response received from instance metadata service", fromHttp with
#     "Server responded with status: 503" (after its 4 attempts); after
#     POST /_metamock/clock {"advance":"2m"} both resolve the document's key.
#
# Output: `PASS name` or `FAIL name: reason` per check, then `N passed, M
# failed`. Exit 0 if every check passed, 1 otherwise, 2 for bad usage.
#
# Safety: metamock listens on 127.0.0.1:0 only; curl talks only to
# 127.0.0.1:PORT with no proxy; the probe runs under `env -i` with only
# AWS_CONTAINER_CREDENTIALS_FULL_URI (checked to be http://127.0.0.1:PORT/...),
# never AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, with IMDS disabled, config
# files /dev/null and a scratch HOME; probe.mjs itself refuses any other
# endpoint and any connection other than 127.0.0.1:PORT. Credentials are only
# resolved: nothing is signed and no AWS service is called. Every server is
# stopped on exit (trap), and every wait is bounded.

set -u

if [ $# -ne 2 ]; then
  echo "usage: bash $0 METAMOCK_BINARY CLIENTS_JS_V3_DIR" >&2
  exit 2
fi
# Absolute paths: the probe runs from inside CLIENT_DIR.
METAMOCK=$(readlink -f -- "$1" || printf '%s' "$1")
CLIENT_DIR=$(readlink -f -- "$2" || printf '%s' "$2")

STARTUP_TIMEOUT_S=10
PROBE_TIMEOUT_S=30
OVERALL_TIMEOUT_S=150
LOOPBACK=127.0.0.1

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
  exit $?
}

SERVER_PIDS=()
WORK=$(mktemp -d "${TMPDIR:-/tmp}/js_container_test.XXXXXX")
WATCHDOG_PID=

stop_servers() {
  local pid i
  for pid in "${SERVER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${SERVER_PIDS[@]}"; do
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  SERVER_PIDS=()
}
cleanup() {
  stop_servers
  [ -n "$WATCHDOG_PID" ] && kill -TERM "$WATCHDOG_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "FAIL watchdog: interrupted or over ${OVERALL_TIMEOUT_S}s"; failed=$((failed + 1)); finish' INT TERM

# The whole script is bounded: the watchdog sends SIGTERM to this shell.
(
  trap 'kill -TERM "$sleeper" 2>/dev/null; exit 0' TERM
  sleep "$OVERALL_TIMEOUT_S" &
  sleeper=$!
  wait "$sleeper" && kill -TERM $$ 2>/dev/null
) >/dev/null 2>&1 </dev/null &
WATCHDOG_PID=$!

# --- preconditions ---------------------------------------------------------
if [ ! -x "$METAMOCK" ]; then
  fail "metamock binary" "$METAMOCK is not an executable file"
  finish
fi
if ! command -v node >/dev/null 2>&1; then
  fail "node installed" "no node on PATH (make test-deps installs Debian's nodejs)"
  finish
fi
if [ ! -f "$CLIENT_DIR/probe.mjs" ]; then
  fail "js-v3 probe" "$CLIENT_DIR/probe.mjs not found"
  finish
fi
if [ ! -f "$CLIENT_DIR/node_modules/@aws-sdk/credential-providers/package.json" ]; then
  fail "js-v3 dependencies installed" \
    "$CLIENT_DIR/node_modules is missing: \`npm ci\` was not run (run \`make test-deps\`, which installs it in build/js-v3)"
  finish
fi
SDK_VERSION=$(node -e 'process.stdout.write(require(process.argv[1]).version)' \
  "$CLIENT_DIR/node_modules/@aws-sdk/credential-providers/package.json")
echo "node $(node --version), @aws-sdk/credential-providers $SDK_VERSION"

# --- helpers -----------------------------------------------------------------
# json_field FIELD < JSON: prints the field (exit 3 not JSON, 4 absent/null).
json_field() {
  node -e '
    let s = "";
    process.stdin.on("data", (d) => (s += d)).on("end", () => {
      let v;
      try { v = JSON.parse(s); } catch { process.exit(3); }
      v = v === null || typeof v !== "object" ? undefined : v[process.argv[1]];
      if (v === undefined || v === null) process.exit(4);
      process.stdout.write(typeof v === "string" ? v : JSON.stringify(v));
    });' "$1"
}

# start_server SCENARIO: sets PORT, or returns 1.
start_server() {
  local scenario=$1 out="$WORK/metamock-$1.out" i line
  "$METAMOCK" --listen "$LOOPBACK:0" --scenario "$scenario" --seed 5 --quiet \
    >"$out" 2>"$WORK/metamock-$scenario.err" </dev/null &
  SERVER_PIDS+=($!)
  PORT=
  for ((i = 0; i < STARTUP_TIMEOUT_S * 10; i++)); do
    line=$(grep -m1 -E '^listening on http://127\.0\.0\.1:[0-9]+$' "$out" 2>/dev/null)
    if [ -n "$line" ]; then
      PORT=${line##*:}
      return 0
    fi
    kill -0 "${SERVER_PIDS[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}

# http METHOD URL [BODY]: prints the body, then a last line with the status.
http() {
  local args=(-s --noproxy '*' --max-time 5 --proto =http -X "$1" -w '\n%{http_code}')
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data "$3")
  curl "${args[@]}" "$2"
}
status_of() { printf '%s' "${1##*$'\n'}"; }
body_of() { printf '%s' "${1%$'\n'*}"; }

# host_env: sets FULL_URI from /_metamock/env?for=ecs (host form), or fails.
host_env() {
  local name=$1 answer body
  FULL_URI=
  answer=$(http GET "http://$LOOPBACK:$PORT/_metamock/env?for=ecs")
  body=$(body_of "$answer")
  if [ "$(status_of "$answer")" != 200 ]; then
    fail "$name: env" "GET /_metamock/env?for=ecs answered $(status_of "$answer"): $body"
    return 1
  fi
  if printf '%s' "$body" | json_field AWS_CONTAINER_CREDENTIALS_RELATIVE_URI >/dev/null; then
    fail "$name: env" "the host env carries AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: $body"
    return 1
  fi
  FULL_URI=$(printf '%s' "$body" | json_field AWS_CONTAINER_CREDENTIALS_FULL_URI)
  if [[ ! "$FULL_URI" =~ ^http://127\.0\.0\.1:$PORT/v2/credentials/[^/?#]+$ ]]; then
    fail "$name: env" "AWS_CONTAINER_CREDENTIALS_FULL_URI is not http://$LOOPBACK:$PORT/v2/credentials/<id>: $body"
    FULL_URI=
    return 1
  fi
  pass "$name: env gives AWS_CONTAINER_CREDENTIALS_FULL_URI on $LOOPBACK:$PORT (no RELATIVE_URI)"
}

# fetch_document NAME EXPECTED_STATUS: curl the FULL_URI; sets DOC_KEY and
# DOC_EXPIRATION on 200, DOC_CODE otherwise.
fetch_document() {
  local name=$1 want=$2 answer body got
  DOC_KEY= DOC_EXPIRATION= DOC_CODE=
  answer=$(http GET "$FULL_URI")
  got=$(status_of "$answer")
  body=$(body_of "$answer")
  if [ "$got" != "$want" ]; then
    fail "$name" "curl $FULL_URI answered $got, expected $want: $body"
    return 1
  fi
  if [ "$got" = 200 ]; then
    DOC_KEY=$(printf '%s' "$body" | json_field AccessKeyId)
    DOC_EXPIRATION=$(printf '%s' "$body" | json_field Expiration)
    if [[ ! "$DOC_KEY" =~ ^ASIA[A-Z0-9]{16}$ ]] || [ -z "$DOC_EXPIRATION" ]; then
      fail "$name" "the document has no ASIA AccessKeyId or no Expiration: $body"
      return 1
    fi
    pass "$name (AccessKeyId ${DOC_KEY:0:8}..., Expiration $DOC_EXPIRATION)"
  else
    DOC_CODE=$(printf '%s' "$body" | json_field code)
    pass "$name ($got ${DOC_CODE:-no code})"
  fi
}

# run_probe PROVIDER: sets PROBE_OUT (the JSON line) under a clean environment.
run_probe() {
  local home="$WORK/home"
  mkdir -p "$home"
  PROBE_OUT=$(cd "$CLIENT_DIR" && env -i \
    PATH="$PATH" \
    HOME="$home" \
    AWS_CONTAINER_CREDENTIALS_FULL_URI="$FULL_URI" \
    AWS_EC2_METADATA_DISABLED=true \
    AWS_CONFIG_FILE=/dev/null \
    AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    AWS_REGION=us-east-1 \
    NO_PROXY='*' \
    timeout "$PROBE_TIMEOUT_S" node probe.mjs "$1" 2>"$WORK/probe.err")
  PROBE_RC=$?
  PROBE_ERR=$(head -c 2000 "$WORK/probe.err")
}

probe_field() { printf '%s' "$PROBE_OUT" | json_field "$1"; }

# expect_credentials NAME PROVIDER: the provider resolves the document's key.
expect_credentials() {
  local name=$1 provider=$2 outcome sha want_sha prefix expiration
  run_probe "$provider"
  outcome=$(probe_field outcome)
  if [ "$outcome" != credentials ]; then
    fail "$name" "expected credentials, got (exit $PROBE_RC): ${PROBE_OUT:-no output} ${PROBE_ERR}"
    return
  fi
  sha=$(probe_field access_key_sha256)
  want_sha=$(printf '%s' "$DOC_KEY" | sha256sum | cut -d' ' -f1)
  prefix=$(probe_field access_key_prefix)
  expiration=$(probe_field expiration)
  if [ "$sha" != "$want_sha" ] || [ "$prefix" != "${DOC_KEY:0:8}" ]; then
    fail "$name" "AccessKeyId differs from the document's ${DOC_KEY:0:8}...: $PROBE_OUT"
  elif [ "$(date -u -d "$expiration" +%s 2>/dev/null)" != "$(date -u -d "$DOC_EXPIRATION" +%s 2>/dev/null)" ]; then
    fail "$name" "Expiration $expiration differs from the document's $DOC_EXPIRATION: $PROBE_OUT"
  elif [ "$PROBE_RC" -ne 0 ]; then
    fail "$name" "probe exited $PROBE_RC: $PROBE_OUT"
  else
    pass "$name (AccessKeyId $prefix... equals the document's, $(probe_field ms) ms)"
  fi
}

# expect_error NAME PROVIDER MESSAGE: the provider fails with exactly MESSAGE.
expect_error() {
  local name=$1 provider=$2 want=$3 outcome message
  run_probe "$provider"
  outcome=$(probe_field outcome)
  message=$(probe_field error)
  if [ "$outcome" != error ]; then
    fail "$name" "expected an error, got (exit $PROBE_RC): ${PROBE_OUT:-no output} ${PROBE_ERR}"
  elif [ "$message" != "$want" ]; then
    fail "$name" "expected error \"$want\", got: $PROBE_OUT"
  elif [ "$PROBE_RC" -ne 0 ]; then
    fail "$name" "probe exited $PROBE_RC (expected 0): $PROBE_OUT"
  else
    pass "$name (\"$message\", $(probe_field error_name), $(probe_field ms) ms)"
  fi
}

PROVIDERS=(fromContainerMetadata fromHttp)

# --- case 1: healthy ------------------------------------------------------------
if start_server healthy; then
  pass "healthy: metamock listening on $LOOPBACK:$PORT"
  if host_env healthy && fetch_document "healthy: curl of the FULL_URI gives credentials" 200; then
    for provider in "${PROVIDERS[@]}"; do
      expect_credentials "healthy: $provider resolves the document's credentials" "$provider"
    done
  fi
else
  fail "healthy: metamock start" "no 'listening on http://$LOOPBACK:PORT' line within ${STARTUP_TIMEOUT_S}s: $(head -c 500 "$WORK/metamock-healthy.err")"
fi
stop_servers

# --- case 2: ecs-credentials-uninitialized ---------------------------------------
S=ecs-credentials-uninitialized
if start_server "$S"; then
  pass "$S: metamock listening on $LOOPBACK:$PORT"
  if host_env "$S" && fetch_document "$S: curl of the FULL_URI gives 503" 503; then
    if [ "$DOC_CODE" != CredentialsUninitialized ]; then
      fail "$S: 503 body" "code is \"$DOC_CODE\", expected CredentialsUninitialized"
    fi
    expect_error "$S: fromContainerMetadata fails" fromContainerMetadata \
      "Error response received from instance metadata service"
    expect_error "$S: fromHttp fails" fromHttp \
      "Server responded with status: 503"
    answer=$(http POST "http://$LOOPBACK:$PORT/_metamock/clock" '{"advance":"2m"}')
    if [ "$(status_of "$answer")" = 200 ]; then
      pass "$S: clock advanced 2m ($(body_of "$answer" | json_field now))"
      if fetch_document "$S: after 2m curl of the FULL_URI gives credentials" 200; then
        for provider in "${PROVIDERS[@]}"; do
          expect_credentials "$S: after 2m $provider resolves the document's credentials" "$provider"
        done
      fi
    else
      fail "$S: clock advance" "POST /_metamock/clock answered: $answer"
    fi
  fi
else
  fail "$S: metamock start" "no 'listening on http://$LOOPBACK:PORT' line within ${STARTUP_TIMEOUT_S}s: $(head -c 500 "$WORK/metamock-$S.err")"
fi
stop_servers

finish
