#!/bin/bash
# Resolves AWS credentials with the AWS CLI v2 from Debian (/usr/bin/aws), the
# way its users do, and prints ONE JSON line on stdout (the contract is
# clients/README.md):
#
#   {"sdk":"aws-cli","version":"2.9.19","provider":"chain","outcome":"credentials",
#    "access_key_prefix":"ASIAABCD","access_key_sha256":"<hex>","role":null,
#    "expiration":"2026-11-23T16:00:00Z","error":null,"error_type":null,
#    "exit_status":0,"ms":650}
#   {"sdk":"aws-cli","version":"2.9.19","provider":"chain","outcome":"error",...,
#    "error":"Unable to retrieve credentials: no credentials found",
#    "error_type":null,"exit_status":253,"ms":640}
#
# Usage: clients/aws-cli/probe.sh chain
#
# It runs `/usr/bin/aws configure export-credentials --format process` in the
# environment it was given (the CLI's default chain reads everything from
# it): that command only resolves credentials, it signs nothing and calls no
# AWS service. Always /usr/bin/aws: the `aws` on PATH may be the AWS CLI v1,
# which has no `configure export-credentials`.
#
# Fields: outcome is "credentials" when the CLI exited 0 and printed a
# document with an AccessKeyId, else "error"; error is the CLI's message (the
# last non-empty line of its stderr, e.g. "Unable to retrieve credentials: no
# credentials found" with exit status 253); exit_status is the CLI's exit
# status; access_key_prefix is the first 8 characters of the AccessKeyId,
# access_key_sha256 the SHA-256 of the whole id (the key and the secret are
# never printed or written to a file); role is always null (the CLI does not
# report it); expiration is the document's Expiration in UTC; version comes
# from `/usr/bin/aws --version`; ms is the wall time of the CLI run (it
# includes the CLI's own start-up, several hundred ms).
#
# Exit status: 0 when a credentials or error line was printed, 2 for bad
# usage or an unsafe environment (a JSON line with outcome "error" and
# error_type ProbeUsageError or ProbeUnsafeEnvironment, the message on stderr).
#
# Safety (DESIGN.md "Safety rule"; the caller prepares the environment, the
# probe checks it). Unless METAMOCK_PROBE_IN_NETNS=1 (set only by the
# namespace test, inside a namespace it created) it refuses to run when
#   * AWS_EC2_METADATA_SERVICE_ENDPOINT or AWS_CONTAINER_CREDENTIALS_FULL_URI
#     is set to anything but a URL on 127.0.0.1, localhost or [::1];
#   * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set (the CLI would use the ECS
#     agent's link-local address);
#   * AWS_EC2_METADATA_SERVICE_ENDPOINT is not set and AWS_EC2_METADATA_DISABLED
#     is not "true" (the CLI would use the default IMDS address);
#   * a proxy variable is set without NO_PROXY=* (requests would leave
#     through the proxy);
# and, inside a namespace too, when AWS_WEB_IDENTITY_TOKEN_FILE or
# AWS_ROLE_ARN is set (the chain would call STS).

set -u

AWS=/usr/bin/aws
PYTHON=/usr/bin/python3 # /usr/bin/aws runs on it; it also does the JSON here

# The JSON side, in Python: `check PROVIDER` prints why the environment is
# unsafe (nothing if it is safe); `emit ...` prints the line.
read -r -d '' HELPER <<'EOF'
import datetime, hashlib, json, os, sys, urllib.parse

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

def loopback_url(value):
    try:
        url = urllib.parse.urlsplit(value)
        url.port
    except ValueError:
        return False
    return url.scheme in ("http", "https") and url.hostname in LOOPBACK_HOSTS

def unsafe_reason(env):
    for name in ("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"):
        if name in env:
            return f"{name} is set: the chain would call STS (an AWS service)"
    if env.get("METAMOCK_PROBE_IN_NETNS") == "1":
        return None
    if "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" in env:
        return ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set (the CLI would "
                "use the ECS agent's link-local address)")
    for name in ("AWS_EC2_METADATA_SERVICE_ENDPOINT",
                 "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        if name in env and not loopback_url(env[name]):
            return (f"{name} must be a URL on 127.0.0.1, localhost or [::1], "
                    f"got {env[name]!r}")
    if ("AWS_EC2_METADATA_SERVICE_ENDPOINT" not in env
            and env.get("AWS_EC2_METADATA_DISABLED", "").lower() != "true"):
        return ("AWS_EC2_METADATA_SERVICE_ENDPOINT is not set and "
                "AWS_EC2_METADATA_DISABLED is not true: the CLI would use the "
                "default IMDS address")
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        for variant in (name, name.lower()):
            if env.get(variant) and "*" not in (env.get("NO_PROXY"),
                                                env.get("no_proxy")):
                return (f"{variant} is set without NO_PROXY=*: requests "
                        "would go through the proxy")
    return None

def utc_text(value):
    try:
        when = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None
    if when.tzinfo is not None:
        when = when.astimezone(datetime.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")

def emit(version, provider, exit_status, ms, stderr_path, kind):
    line = {"sdk": "aws-cli", "version": version or None, "provider": provider,
            "outcome": "error", "access_key_prefix": None,
            "access_key_sha256": None, "role": None, "expiration": None,
            "error": None, "error_type": None, "exit_status": exit_status,
            "ms": ms}
    if kind != "run":  # a refusal: the message is in stderr_path's place
        line.update(error=stderr_path, error_type=kind, exit_status=None)
        print(json.dumps(line, separators=(",", ":")))
        return
    stdout = sys.stdin.read()  # the CLI's stdout: never printed or stored
    document = None
    if exit_status == 0:
        try:
            document = json.loads(stdout)
        except ValueError:
            document = None
    key = document.get("AccessKeyId") if isinstance(document, dict) else None
    if isinstance(key, str) and key:
        line.update(outcome="credentials", access_key_prefix=key[:8],
                    access_key_sha256=hashlib.sha256(key.encode()).hexdigest(),
                    expiration=utc_text(document.get("Expiration")))
    else:
        with open(stderr_path, encoding="utf-8", errors="replace") as f:
            lines = [l.strip() for l in f.read().splitlines() if l.strip()]
        if lines:
            line["error"] = lines[-1]
        elif exit_status == 0:
            line.update(error="the CLI exited 0 without a credentials document",
                        error_type="ProbeOutputError")
        else:
            line["error"] = f"the CLI exited {exit_status} with no message"
    print(json.dumps(line, separators=(",", ":")))

if sys.argv[1] == "check":
    reason = unsafe_reason(os.environ)
    if reason:
        print("refusing to run: " + reason)
else:
    emit(sys.argv[2], sys.argv[3],
         None if sys.argv[4] == "" else int(sys.argv[4]),
         int(sys.argv[5]), sys.argv[6], sys.argv[7])
EOF

VERSION=
PROVIDER=${1-}

# refuse ERROR_TYPE MESSAGE: the refusal line, exit 2.
refuse() {
  echo "probe.sh: $2" >&2
  "$PYTHON" -c "$HELPER" emit "$VERSION" "$PROVIDER" "" 0 "$2" "$1"
  exit 2
}

if [ ! -x "$PYTHON" ]; then
  echo "probe.sh: $PYTHON is missing (apt-get install python3 awscli)" >&2
  printf '{"sdk":"aws-cli","version":null,"provider":null,"outcome":"error","error":"%s is missing","error_type":"ProbeUsageError"}\n' "$PYTHON"
  exit 2
fi
if [ $# -ne 1 ] || [ "$1" != chain ]; then
  refuse ProbeUsageError "usage: clients/aws-cli/probe.sh chain"
fi
if [ ! -x "$AWS" ]; then
  refuse ProbeUsageError "$AWS is missing (apt-get install awscli)"
fi
REASON=$("$PYTHON" -c "$HELPER" check "$PROVIDER")
if [ -n "$REASON" ]; then
  refuse ProbeUnsafeEnvironment "$REASON"
fi

# "aws-cli/2.9.19 Python/3.11.2 Linux/... source/x86_64.debian.12 prompt/off"
VERSION=$("$AWS" --version 2>&1 </dev/null)
VERSION=${VERSION%% *}
VERSION=${VERSION#aws-cli/}
[[ "$VERSION" =~ ^[0-9][0-9A-Za-z.+-]*$ ]] || VERSION=

WORK=$(mktemp -d "${TMPDIR:-/tmp}/aws-cli-probe.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT

START=$(date +%s%N)
# The document (with the secret) stays in this variable, never in a file.
OUT=$("$AWS" configure export-credentials --format process \
  </dev/null 2>"$WORK/stderr")
STATUS=$?
END=$(date +%s%N)
MS=$(((END - START) / 1000000))

printf '%s' "$OUT" |
  "$PYTHON" -c "$HELPER" emit "$VERSION" "$PROVIDER" "$STATUS" "$MS" "$WORK/stderr" run
exit 0
