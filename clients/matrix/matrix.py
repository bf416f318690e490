#!/usr/bin/python3
"""The compatibility matrix: every real-SDK probe against every bundled scenario.

Usage:
  /usr/bin/python3 clients/matrix/matrix.py --metamock BIN --build-dir DIR --check
  /usr/bin/python3 clients/matrix/matrix.py --metamock BIN --build-dir DIR --update
  (options: --jobs N, --only REGEX, --deadline SECONDS; see --help)

For each case (a bundled scenario on one credential path -- IMDS, ECS or EKS
-- sometimes with a clock advance, a fault rule or a changed variable; see
CASES) it starts metamock on 127.0.0.1:0, then runs every available probe
(clients/README.md is their contract) once per provider that belongs to that
path, one after another, each in a fresh environment and against a freshly
loaded scenario. Each run gives one cell: "credentials", "new keys" or
"same keys" (rotation cases), "error: MESSAGE" (the message the SDK's users
see, normalised: ports, times, durations, ids, hex runs and access keys
replaced by placeholders), or "refused: MESSAGE" (the probe refused to run).

--check compares the cells with clients/matrix/expected.json and
docs/compatibility.md with what expected.json renders to; it prints one
`FAIL ...` line per departure, then `N passed, M failed`, and exits 1 if
anything failed. A probe that expected.json covers but that is not
installed fails every cell it covers, with a line saying how to install it.
--update writes expected.json (only what was observed: missing probes are
listed as skipped) and docs/compatibility.md.

Exit status: 0 all passed (or written), 1 a departure or a failure to run,
2 bad usage or an unsafe environment (the run stops).

Safety (DESIGN.md, "Safety rule"); this script enforces it and refuses to
run a probe otherwise:
  * metamock listens only on 127.0.0.1:0; this script connects only to the
    port it printed (control API calls go through urllib with no proxy and
    no redirects).
  * Each probe starts from an empty environment: PATH=/usr/bin:/bin, HOME
    (and TMPDIR) a fresh temporary directory, LANG=C.UTF-8,
    AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE /dev/null, BOTO_CONFIG
    /dev/null, AWS_REGION and AWS_DEFAULT_REGION us-east-1, NO_PROXY and
    no_proxy `*`, no proxy variable. Then the endpoint variables that
    GET /_metamock/env?where=host gives (loopback only). Container-path runs
    (ECS, EKS) also get AWS_EC2_METADATA_DISABLED=true, and, as a safety net
    for an SDK that would ignore it, AWS_EC2_METADATA_SERVICE_ENDPOINT on
    metamock. AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is never set. Every
    URL in the environment is checked to be http://127.0.0.1:PORT/ with the
    server's port before the probe starts (check_environment).
  * Probes only resolve credentials (their contract); each run is bounded
    (60 s, less where a case says so) and killed with its process group
    after that; the whole run has a deadline (--deadline, default 480 s).
  * Every metamock started is stopped (SIGTERM, then SIGKILL after 5 s).
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
EXPECTED_FILE = os.path.join(HERE, "expected.json")
DOC_FILE = os.path.join(SOURCE_DIR, "docs", "compatibility.md")

LOOPBACK = "127.0.0.1"
PROBE_TIMEOUT_S = 60.0
# Cases with a hanging endpoint: longer than any SDK's own give-up time seen
# here (the botocore/CLI container provider: 3 x 2 s + 2 x 1 s), shorter than
# the Go probes' 30 s bound, so an SDK without a timeout shows as killed.
HANG_TIMEOUT_S = 20.0
SERVER_START_TIMEOUT_S = 10.0
SERVER_STOP_TIMEOUT_S = 5.0
CONTROL_TIMEOUT_S = 10.0
DEFAULT_DEADLINE_S = 480.0
SEED = "1"
PROBE_PATH = "/usr/bin:/bin"
REGION = "us-east-1"
LISTENING_RE = re.compile(r"^listening on http://127\.0\.0\.1:(\d+)\s*$")

PATHS = ("imds", "ecs", "eks")
PATH_TITLES = {
    "imds": "IMDS (EC2 instance metadata)",
    "ecs": "ECS task credentials",
    "eks": "EKS Pod Identity",
}


# Every child process alive (metamock servers and probes), so that a SIGTERM
# or SIGINT (ctest's timeout, ^C) stops them before this script exits:
# (process, whether it leads its own process group).
_CHILDREN = {}
_CHILDREN_LOCK = threading.Lock()
_TEMP_ROOT = []


def _track(process, group):
    with _CHILDREN_LOCK:
        _CHILDREN[process.pid] = (process, group)


def _untrack(process):
    with _CHILDREN_LOCK:
        _CHILDREN.pop(process.pid, None)


def _stop_children_and_exit(signum, _frame):
    with _CHILDREN_LOCK:
        children = list(_CHILDREN.values())
    for process, group in children:
        try:
            if process.poll() is None:
                if group:
                    os.killpg(process.pid, signal.SIGKILL)
                else:
                    process.kill()
        except (ProcessLookupError, PermissionError):
            pass
    for root in _TEMP_ROOT:
        shutil.rmtree(root, ignore_errors=True)
    print(f"matrix: stopped by signal {signum}", file=sys.stderr, flush=True)
    os._exit(128 + signum)


class UnsafeEnvironment(Exception):
    """A probe's environment would break the safety rule: the run stops."""


class RunnerError(Exception):
    """metamock could not be started or driven."""


# --- probes and columns -------------------------------------------------------


class Probe:
    """One SDK's probe: how to run it, and whether it is installed."""

    def __init__(self, sdk, title, providers, locate, install_hint):
        self.sdk = sdk
        self.title = title          # "botocore (Debian)"
        self.providers = providers  # [(provider, paths)]
        self._locate = locate       # build_dir -> (argv prefix, None) or (None, why)
        self.install_hint = install_hint
        self.argv = None
        self.missing = None

    def locate(self, build_dir):
        self.argv, self.missing = self._locate(build_dir)
        return self.argv is not None


def _file(path, executable=False):
    if not os.path.isfile(path):
        return f"{path} does not exist"
    if executable and not os.access(path, os.X_OK):
        return f"{path} is not executable"
    return None


def _locate_botocore(_build_dir):
    script = os.path.join(SOURCE_DIR, "clients", "botocore", "probe.py")
    why = _file("/usr/bin/python3", True) or _file(script)
    return (None, why) if why else (["/usr/bin/python3", script], None)


def _locate_aws_cli(_build_dir):
    script = os.path.join(SOURCE_DIR, "clients", "aws-cli", "probe.sh")
    why = _file("/bin/bash", True) or _file(script) or _file("/usr/bin/aws", True)
    return (None, why) if why else (["/bin/bash", script], None)


def _locate_go(name):
    def locate(build_dir):
        binary = os.path.join(build_dir, "clients", name)
        why = _file(binary, True)
        return (None, why) if why else ([binary], None)
    return locate


def _locate_js(build_dir):
    node = shutil.which("node", path=PROBE_PATH)
    script = os.path.join(build_dir, "js-v3", "probe.mjs")
    modules = os.path.join(build_dir, "js-v3", "node_modules", "@aws-sdk",
                           "credential-providers")
    if node is None:
        return None, f"no node in {PROBE_PATH}"
    why = _file(script)
    if why is None and not os.path.isdir(modules):
        why = f"{modules} does not exist (npm ci has not run)"
    return (None, why) if why else ([node, script], None)


CONTAINER = ("ecs", "eks")
ALL_PATHS = PATHS
PROBES = [
    Probe("botocore", "botocore (Debian python3-botocore)",
          [("chain", ALL_PATHS), ("imds", ("imds",)), ("container", CONTAINER)],
          _locate_botocore, "apt-get install python3-botocore (make test-deps)"),
    Probe("aws-cli", "AWS CLI v2 (Debian awscli)",
          [("chain", ALL_PATHS)],
          _locate_aws_cli, "apt-get install awscli (make test-deps)"),
    Probe("go-v2", "aws-sdk-go-v2 (Debian golang-github-aws-aws-sdk-go-v2-dev)",
          [("chain", ALL_PATHS), ("imds", ("imds",)), ("container", CONTAINER)],
          _locate_go("go-v2-probe"),
          "make test-deps (clients/build-go-probes.sh BUILD_DIR/clients)"),
    Probe("go-v1", "aws-sdk-go v1 (Debian golang-github-aws-aws-sdk-go-dev)",
          [("chain", ALL_PATHS), ("imds", ("imds",)), ("container", CONTAINER)],
          _locate_go("go-v1-probe"),
          "make test-deps (clients/build-go-probes.sh BUILD_DIR/clients)"),
    Probe("js-v3", "AWS SDK for JavaScript v3 (npm @aws-sdk/credential-providers, pinned)",
          [("fromInstanceMetadata", ("imds",)), ("fromHttp", CONTAINER),
           ("fromContainerMetadata", CONTAINER),
           ("fromNodeProviderChain", ALL_PATHS)],
          _locate_js, "make test-deps (npm ci into BUILD_DIR/js-v3)"),
]
PROBES_BY_SDK = {p.sdk: p for p in PROBES}


def columns_for(path):
    """Column keys ("sdk/provider") for a path, in table order."""
    return [f"{p.sdk}/{provider}" for p in PROBES
            for provider, paths in p.providers if path in paths]


ALL_COLUMNS = [f"{p.sdk}/{provider}" for p in PROBES for provider, _ in p.providers]


# --- cases --------------------------------------------------------------------

FAULT_IMDS_CREDENTIALS = {"endpoint": "imds", "method": "GET",
                          "path": "/latest/meta-data/iam/security-credentials/*"}
FAULT_ECS_CREDENTIALS = {"endpoint": "ecs", "path": "/v2/credentials/*"}
FAULT_TOKEN_PUT = {"endpoint": "imds", "method": "PUT", "path": "/latest/api/token"}


class Case:
    """One row: a scenario on a path, with what the runner does around it.

    actions, applied in order after the scenario is (re)loaded:
      ("shift-start", D)  reload the scenario with clock.start = now - D, so
                          that after advancing D the virtual clock is the
                          real one and expirations look real to the SDKs
      ("advance", D)      POST /_metamock/clock {"advance": D}
      ("fault", RULE)     POST /_metamock/faults RULE
    env: variables to set (a value) or remove (None) after the path's own.
    token_file: move AWS_CONTAINER_AUTHORIZATION_TOKEN into a file named by
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE. imds_reachable: a container run
    without AWS_EC2_METADATA_DISABLED.
    rotation: resolve, advance the clock by this much, resolve again in a
    fresh process; the cell says whether the keys changed.
    """

    def __init__(self, path, name, scenario, label, does, actions=(), env=None,
                 token_file=False, imds_reachable=False, rotation=None,
                 timeout=PROBE_TIMEOUT_S, weight=1.0):
        self.path = path
        self.key = f"{path}/{name}"
        self.scenario = scenario
        self.label = label
        self.does = does
        self.actions = list(actions)
        self.env = dict(env or {})
        self.token_file = token_file
        self.imds_reachable = imds_reachable
        self.rotation = rotation
        self.timeout = timeout
        self.weight = weight


def _scenario_cases(path, names):
    return [Case(path, n, n, n, "the bundled scenario as loaded") for n in names]


CASES = [
    # IMDS: every EC2 scenario, at its start unless its symptom comes later.
    *_scenario_cases("imds", [
        "healthy", "no-instance-profile"]),
    Case("imds", "imds-unreachable", "imds-unreachable", "imds-unreachable",
         "the bundled scenario: every IMDS request is accepted and never answered",
         weight=4),
    *_scenario_cases("imds", [
        "instance-profile-not-found", "instance-profile-recreated",
        "role-removed-from-profile", "assume-role-unauthorized"]),
    Case("imds", "role-replaced@6m", "role-replaced", "role-replaced, at +6 min",
         "clock advanced 6 min: the role was replaced at +5 min, the old role's "
         "credentials are served until the rotation at +60 min",
         actions=[("advance", "6m")]),
    Case("imds", "role-readded@11m", "role-readded", "role-readded, at +11 min",
         "clock advanced 11 min: the role was removed at +5 and re-added at "
         "+10 min; nothing is served until the rotation at +60 min",
         actions=[("advance", "11m")]),
    Case("imds", "rotation-delayed@6h05m", "rotation-delayed",
         "rotation-delayed, at +6 h 05 min (served credentials expired 5 min ago)",
         "scenario reloaded with its start 6 h 05 min in the past, clock advanced "
         "to now: IMDS still serves the first set, which expired 5 min ago by "
         "the SDK's own clock (static stability)",
         actions=[("shift-start", "6h5m"), ("advance", "6h5m")]),
    Case("imds", "imdsv2-required", "imdsv2-required", "imdsv2-required",
         "the bundled scenario: token-less requests get 401"),
    Case("imds", "imds-hop-limit", "imds-hop-limit", "imds-hop-limit",
         "the bundled scenario: the token PUT is never answered, token-less "
         "GETs work (IMDSv1 fallback after a timeout)", weight=3),
    Case("imds", "imds-hop-limit+v1-disabled", "imds-hop-limit",
         "imds-hop-limit, AWS_EC2_METADATA_V1_DISABLED=true",
         "as imds-hop-limit, with AWS_EC2_METADATA_V1_DISABLED=true: does the "
         "SDK honour the switch?",
         env={"AWS_EC2_METADATA_V1_DISABLED": "true"}, weight=3),
    Case("imds", "imds-throttled", "imds-throttled", "imds-throttled (one client)",
         "the bundled scenario, freshly loaded: one resolution stays within "
         "the burst of 5"),
    Case("imds", "imds-throttled+saturated", "imds-throttled",
         "imds-throttled, bucket exhausted (every request 429)",
         "fault: every IMDS request answered with the imds-429 preset, what the "
         "throttle sends once a busy client has used up the bucket",
         actions=[("fault", {"match": {"endpoint": "imds"},
                             "effect": {"preset": "imds-429"}})], weight=2),
    Case("imds", "imds-disabled", "imds-disabled", "imds-disabled",
         "the bundled scenario: 403 with an empty body"),
    Case("imds", "healthy+token-404", "healthy",
         "healthy, token PUT 404 (IMDS without IMDSv2: v1 fallback)",
         "fault: PUT /latest/api/token answered with the imds-404 preset",
         actions=[("fault", {"match": FAULT_TOKEN_PUT,
                             "effect": {"preset": "imds-404"}})]),
    Case("imds", "imdsv2-required+token-hang", "imdsv2-required",
         "imdsv2-required, token PUT unanswered (hop limit 1 with IMDSv2 required)",
         "fault: PUT /latest/api/token hangs, so the SDK falls back to "
         "token-less GETs, which get 401",
         actions=[("fault", {"match": FAULT_TOKEN_PUT, "effect": {"hang": True}})],
         timeout=HANG_TIMEOUT_S, weight=3),
    Case("imds", "rotation", "healthy", "healthy across a rotation (+6 h)",
         "resolve; clock advanced 6 h (past every SDK's refresh window); "
         "resolve again in a fresh process", rotation="6h", weight=2),
    Case("imds", "fault-500", "healthy", "fault: credentials path 500",
         "fault: GETs under security-credentials/ answered with the imds-500 preset",
         actions=[("fault", {"match": FAULT_IMDS_CREDENTIALS,
                             "effect": {"preset": "imds-500"}})], weight=2),
    Case("imds", "fault-hang", "healthy", "fault: credentials path hangs",
         "fault: GETs under security-credentials/ never answered",
         actions=[("fault", {"match": FAULT_IMDS_CREDENTIALS,
                             "effect": {"hang": True}})],
         timeout=HANG_TIMEOUT_S, weight=3),
    Case("imds", "fault-reset", "healthy", "fault: credentials path reset",
         "fault: GETs under security-credentials/ get a TCP reset",
         actions=[("fault", {"match": FAULT_IMDS_CREDENTIALS,
                             "effect": {"reset": True}})], weight=2),

    # ECS: the task's FULL_URI on loopback.
    Case("ecs", "healthy", "healthy", "healthy", "the bundled scenario"),
    Case("ecs", "ecs-task-roles-disabled", "ecs-task-roles-disabled",
         "ecs-task-roles-disabled",
         "the bundled scenario: the agent injects no credential variable, "
         "so the probe gets none (IMDS disabled as on every container run)"),
    Case("ecs", "ecs-task-roles-disabled+imds", "ecs-task-roles-disabled",
         "ecs-task-roles-disabled, IMDS reachable",
         "as above, without AWS_EC2_METADATA_DISABLED: a chain falls through to "
         "the instance's role (IMDS on metamock)", imds_reachable=True),
    Case("ecs", "ecs-credentials-throttled", "ecs-credentials-throttled",
         "ecs-credentials-throttled (one client)",
         "the bundled scenario, freshly loaded: one request stays within the "
         "burst of 4"),
    Case("ecs", "ecs-credentials-throttled+saturated", "ecs-credentials-throttled",
         "ecs-credentials-throttled, bucket exhausted (every request 429)",
         "fault: every credential request answered with the ecs-429 preset, "
         "what the agent sends once the bucket is used up",
         actions=[("fault", {"match": FAULT_ECS_CREDENTIALS,
                             "effect": {"preset": "ecs-429"}})], weight=3),
    Case("ecs", "ecs-credentials-uninitialized", "ecs-credentials-uninitialized",
         "ecs-credentials-uninitialized",
         "the bundled scenario at its start: 503 CredentialsUninitialized",
         weight=3),
    Case("ecs", "ecs-credentials-uninitialized@3m", "ecs-credentials-uninitialized",
         "ecs-credentials-uninitialized, at +3 min",
         "clock advanced 3 min: the credentials have arrived",
         actions=[("advance", "3m")]),
    Case("ecs", "rotation", "healthy", "healthy across a rotation (+6 h)",
         "resolve; clock advanced 6 h; resolve again in a fresh process",
         rotation="6h", weight=2),
    Case("ecs", "fault-500", "healthy", "fault: credentials path 500",
         "fault: /v2/credentials/* answered with the ecs-500 preset",
         actions=[("fault", {"match": FAULT_ECS_CREDENTIALS,
                             "effect": {"preset": "ecs-500"}})], weight=3),
    Case("ecs", "fault-hang", "healthy", "fault: credentials path hangs",
         "fault: /v2/credentials/* never answered",
         actions=[("fault", {"match": FAULT_ECS_CREDENTIALS,
                             "effect": {"hang": True}})],
         timeout=HANG_TIMEOUT_S, weight=8),
    Case("ecs", "fault-reset", "healthy", "fault: credentials path reset",
         "fault: /v2/credentials/* gets a TCP reset",
         actions=[("fault", {"match": FAULT_ECS_CREDENTIALS,
                             "effect": {"reset": True}})], weight=3),

    # EKS: FULL_URI http://127.0.0.1:PORT/v1/credentials and the pod's token.
    Case("eks", "healthy", "healthy", "healthy",
         "the bundled scenario, AWS_CONTAINER_AUTHORIZATION_TOKEN"),
    Case("eks", "eks-pod-identity", "eks-pod-identity", "eks-pod-identity",
         "the bundled scenario, AWS_CONTAINER_AUTHORIZATION_TOKEN"),
    Case("eks", "eks-pod-identity+token-file", "eks-pod-identity",
         "eks-pod-identity, token in AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
         "the token in a file named by AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE "
         "(as EKS injects it), not in AWS_CONTAINER_AUTHORIZATION_TOKEN",
         token_file=True),
    Case("eks", "rotation", "eks-pod-identity", "eks-pod-identity across a rotation (+6 h)",
         "resolve; clock advanced 6 h; resolve again in a fresh process",
         rotation="6h", weight=2),
]
CASES_BY_KEY = {c.key: c for c in CASES}

# Failures recorded as such (the SDK does not support the setting); a cell
# that matches and fails is marked in the document. (case, sdk, reason)
BY_DESIGN = [
    ("eks/eks-pod-identity+token-file", "botocore",
     "botocore 1.29 does not read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE "
     "(added in later releases), so it sends no Authorization header"),
    ("eks/eks-pod-identity+token-file", "aws-cli",
     "AWS CLI 2.9's vendored botocore does not read "
     "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
    ("eks/eks-pod-identity+token-file", "go-v2",
     "aws-sdk-go-v2 1.17 does not read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE "
     "(added after Nov 2023)"),
    ("eks/eks-pod-identity+token-file", "go-v1",
     "aws-sdk-go 1.44 does not read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
    ("eks/eks-pod-identity+token-file", "js-v3/fromContainerMetadata",
     "fromContainerMetadata reads only AWS_CONTAINER_AUTHORIZATION_TOKEN; "
     "fromHttp reads the file"),
]


def by_design_reason(case_key, column):
    for key, who, reason in BY_DESIGN:
        if key == case_key and (column == who or column.split("/")[0] == who):
            return reason
    return None


# --- normalising messages -----------------------------------------------------

_TIME_PATTERNS = [
    # RFC 3339 / ISO 8601, and Go's time.Time String().
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?"
    r"(?:Z| ?[+-]\d{2}:?\d{2}(?: [A-Z]{3,4})?| UTC)?(?: m=[+-]\d+\.\d+)?",
    # JavaScript Date#toString.
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|"
    r"Oct|Nov|Dec) \d{1,2} \d{4} \d{2}:\d{2}:\d{2} GMT[+-]\d{4}(?: \([^)]*\))?",
]
_NORMALISERS = [
    (re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"), "ID"),
    *[(re.compile(p), "TIME") for p in _TIME_PATTERNS],
    (re.compile(r"\b(?:ASIA|AKIA)[A-Z0-9]{12,20}\b"), "ASIA…"),
    (re.compile(r"(127\.0\.0\.1|localhost|\[::1\]|::1):\d{1,5}\b"), r"\1:PORT"),
    (re.compile(r"(?i)\b(request[ _-]?id[:=]?\s*)[A-Za-z0-9][A-Za-z0-9-]{7,}"),
     r"\1ID"),
    (re.compile(r"\b[0-9a-fA-F]{12,}\b"), "HEX"),
    # Go durations (1m0.5s, 500ms, 1.5s) and spelled-out ones (1000 ms, 2 seconds).
    (re.compile(r"\b(?:\d+h)?(?:\d+m)?\d+(?:\.\d+)?(?:ns|µs|us|ms|s)\b"), "DURATION"),
    (re.compile(r"\b\d+(?:\.\d+)?\s?(?:ns|µs|us|ms|s|sec|secs|seconds?|"
                r"milliseconds?|min|mins|minutes?|h|hours?)\b"), "DURATION"),
]


def normalise(message, temp_root=None):
    """The message with run-specific parts replaced; the rest verbatim."""
    text = str(message)
    if temp_root:
        text = text.replace(temp_root, "TMP")
    for pattern, replacement in _NORMALISERS:
        text = pattern.sub(replacement, text)
    return text.strip()


# --- metamock -----------------------------------------------------------------


def read_line(pipe, deadline):
    """One line from `pipe`, or None on EOF or when `deadline` passes."""
    fd = pipe.fileno()
    data = b""
    while b"\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            return None
        data += chunk
    return data.split(b"\n", 1)[0].decode("utf-8", "replace")


# urllib with no proxy (even if one is configured) and no redirects.
class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


class Server:
    """One metamock on 127.0.0.1:0, and its control API."""

    def __init__(self, binary, scenario, work_dir):
        self.label = f"metamock --scenario {scenario}"
        self.stderr = tempfile.TemporaryFile(dir=work_dir)
        self.port = None
        try:
            self.process = subprocess.Popen(
                [binary, "--listen", f"{LOOPBACK}:0", "--scenario", scenario,
                 "--seed", SEED, "--quiet"],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=self.stderr, env=_server_env(), cwd=work_dir)
        except OSError as e:
            self.stderr.close()
            raise RunnerError(f"cannot run {binary!r}: {e}") from e
        _track(self.process, group=False)
        line = read_line(self.process.stdout,
                         time.monotonic() + SERVER_START_TIMEOUT_S)
        match = LISTENING_RE.match(line or "")
        if not match:
            self.stop()
            raise RunnerError(f"{self.label} did not print `listening on "
                              f"http://127.0.0.1:PORT` (got {line!r}); stderr: "
                              f"{self.stderr_text()!r}")
        self.port = int(match.group(1))

    def stderr_text(self):
        try:
            self.stderr.seek(0)
            return self.stderr.read().decode("utf-8", "replace").strip()[-2000:]
        except ValueError:
            return ""

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=SERVER_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=SERVER_STOP_TIMEOUT_S)
        _untrack(self.process)
        self.process.stdout.close()
        self.stderr.close()

    def control(self, method, path, body=None):
        """A control-API call; the decoded JSON answer (RunnerError if not 2xx)."""
        url = f"http://{LOOPBACK}:{self.port}/_metamock/{path}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        try:
            with _OPENER.open(request, timeout=CONTROL_TIMEOUT_S) as answer:
                text = answer.read().decode()
        except urllib.error.HTTPError as e:
            raise RunnerError(f"{method} /_metamock/{path}: {e.code} "
                              f"{e.read().decode(errors='replace')}") from e
        except (urllib.error.URLError, OSError) as e:
            raise RunnerError(f"{method} /_metamock/{path}: {e}; metamock "
                              f"stderr: {self.stderr_text()!r}") from e
        return json.loads(text) if text else None

    def prepare(self, case):
        """Loads the case's scenario afresh (clock at S, throttles full, no
        faults) and applies its actions."""
        self.control("POST", "scenario", {"name": case.scenario})
        self.control("DELETE", "faults")
        for action, value in case.actions:
            if action == "shift-start":
                document = self.control("GET", "scenario")["document"]
                start = (datetime.datetime.now(datetime.timezone.utc)
                         - parse_duration(value))
                document["clock"] = {"start": start.strftime("%Y-%m-%dT%H:%M:%SZ")}
                self.control("PUT", "scenario", document)
            elif action == "advance":
                self.control("POST", "clock", {"advance": value})
            elif action == "fault":
                self.control("POST", "faults", value)
            else:
                raise AssertionError(action)


def _server_env():
    env = {"PATH": PROBE_PATH, "LANG": "C.UTF-8"}
    return env


def parse_duration(text):
    total = datetime.timedelta()
    for amount, unit in re.findall(r"(\d+)([hms])", text):
        name = {"h": "hours", "m": "minutes", "s": "seconds"}[unit]
        total += datetime.timedelta(**{name: int(amount)})
    return total


def list_scenarios(binary):
    result = subprocess.run([binary, "--list-scenarios"], capture_output=True,
                            text=True, timeout=30, env=_server_env())
    if result.returncode != 0:
        raise RunnerError(f"{binary} --list-scenarios exited {result.returncode}: "
                          f"{result.stderr.strip()}")
    return [line.split()[0] for line in result.stdout.splitlines() if line.strip()]


# --- the probe's environment --------------------------------------------------

BASE_ENV = {
    "PATH": PROBE_PATH,
    "LANG": "C.UTF-8",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "BOTO_CONFIG": "/dev/null",
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
    "NO_PROXY": "*",
    "no_proxy": "*",
    "PYTHONDONTWRITEBYTECODE": "1",
}
ENDPOINT_VARIABLES = {
    "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "ECS_CONTAINER_METADATA_URI_V4",
}
# The only variables a probe may get; AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
# and proxies never.
ALLOWED_VARIABLES = set(BASE_ENV) | {
    "HOME", "TMPDIR",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_DISABLED",
    "AWS_EC2_METADATA_V1_DISABLED",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI", "ECS_CONTAINER_METADATA_URI_V4",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
}


def probe_environment(server, case, home):
    env = dict(BASE_ENV, HOME=home, TMPDIR=home)
    imds = server.control("GET", "env?for=ec2&where=host")
    env.update(imds)
    if case.path != "imds":
        if not case.imds_reachable:
            env["AWS_EC2_METADATA_DISABLED"] = "true"
        env.update(server.control("GET", f"env?for={case.path}&where=host"))
    if case.token_file and "AWS_CONTAINER_AUTHORIZATION_TOKEN" in env:
        token_path = os.path.join(home, "eks-pod-identity-token")
        with open(token_path, "w", encoding="utf-8") as f:
            f.write(env.pop("AWS_CONTAINER_AUTHORIZATION_TOKEN"))
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = token_path
    for name, value in case.env.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    check_environment(env, server.port)
    return env


def check_environment(env, port):
    """Raises UnsafeEnvironment unless `env` keeps to the safety rule."""
    for name, value in env.items():
        if name not in ALLOWED_VARIABLES:
            raise UnsafeEnvironment(f"{name} is not a variable a probe may get")
        if name in ENDPOINT_VARIABLES or "://" in value:
            try:
                url = urllib.parse.urlsplit(value)
                url_port = url.port
            except ValueError:
                url, url_port = None, None
            if (url is None or url.scheme != "http" or url.hostname != LOOPBACK
                    or url_port != port):
                raise UnsafeEnvironment(
                    f"{name}={value!r} is not http://{LOOPBACK}:{port}/...")
    if "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" in env:
        raise UnsafeEnvironment("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set")
    if "AWS_EC2_METADATA_SERVICE_ENDPOINT" not in env:
        raise UnsafeEnvironment("AWS_EC2_METADATA_SERVICE_ENDPOINT is not set: "
                                "an SDK could use the default IMDS address")


# --- running one probe --------------------------------------------------------


class Cell:
    """One observed cell."""

    def __init__(self, outcome, version=None, ms=None, unsupported=None,
                 detail=None, broken=False):
        self.outcome = outcome          # "credentials", "error: ...", ...
        self.version = version
        self.ms = ms
        self.unsupported = unsupported  # why the probe does not offer it
        self.detail = detail            # for the log only
        self.broken = broken            # not an SDK outcome: never recorded


def run_probe(argv, env, home, timeout, temp_root):
    """Runs a probe once; returns (line dict or None, Cell or None).

    The Cell is set when the run produced no usable line (the outcome is
    the runner's own message)."""
    start = time.monotonic()
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env, cwd=home, start_new_session=True)
    _track(process, group=True)
    killed = False
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        killed = True
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = process.communicate()
    finally:
        _untrack(process)
    ms = round((time.monotonic() - start) * 1000)
    out = out.decode("utf-8", "replace")
    err = err.decode("utf-8", "replace").strip()
    if killed:
        return None, Cell("error: [runner] no result within DURATION; probe killed",
                          ms=ms, detail=f"after {timeout} s; stderr: {err[-300:]}")
    lines = [line for line in out.splitlines() if line.strip()]
    line = None
    if len(lines) == 1:
        try:
            line = json.loads(lines[0])
        except ValueError:
            line = None
    stderr_tail = err.splitlines()[-1] if err else ""
    if process.returncode == 2:
        message = ""
        if isinstance(line, dict):
            message = line.get("error") or ""
        message = message or stderr_tail
        if re.search(r"\busage:", message):
            return None, Cell(None, ms=ms, unsupported=message)
        return None, Cell("refused: " + normalise(_strip_probe_name(message),
                                                  temp_root), ms=ms,
                          detail=err[-300:])
    if not isinstance(line, dict) or line.get("outcome") not in ("credentials",
                                                                 "error"):
        return None, Cell(
            f"error: [runner] probe exited {process.returncode} without one "
            "JSON line", ms=ms, broken=True,
            detail=f"stdout {out[-300:]!r}; stderr {err[-300:]!r}")
    return line, None


def _strip_probe_name(message):
    # "go-v2-probe: refusing to run: ..." -> "refusing to run: ..."
    return re.sub(r"^[\w.-]+: (?=refusing)", "", message.strip())


def line_outcome(line, temp_root):
    if line["outcome"] == "credentials":
        if not line.get("access_key_sha256"):
            return "error: [runner] credentials without access_key_sha256"
        return "credentials"
    return "error: " + normalise(line.get("error") or "(no message)", temp_root)


def run_cell(server, case, probe, provider, temp_root, deadline):
    """One cell: prepare the scenario, run the probe (twice for rotation)."""
    if time.monotonic() > deadline:
        return Cell("error: [runner] not run: the overall deadline passed",
                    broken=True)
    home = tempfile.mkdtemp(prefix="home-", dir=temp_root)
    try:
        server.prepare(case)
        env = probe_environment(server, case, home)
        argv = probe.argv + [provider]
        line, cell = run_probe(argv, env, home, case.timeout, temp_root)
        if cell is not None:
            return cell
        version = line.get("version")
        outcome = line_outcome(line, temp_root)
        ms = line.get("ms")
        if case.rotation is None:
            return Cell(outcome, version=version, ms=ms)
        if outcome != "credentials":
            return Cell("before the rotation: " + outcome, version=version, ms=ms)
        first_key = line["access_key_sha256"]
        server.control("POST", "clock", {"advance": case.rotation})
        env = probe_environment(server, case, home)
        line, cell = run_probe(argv, env, home, case.timeout, temp_root)
        if cell is not None:
            cell.outcome = "after the rotation: " + (cell.outcome or "unsupported")
            return cell
        outcome = line_outcome(line, temp_root)
        if outcome != "credentials":
            return Cell("after the rotation: " + outcome, version=version, ms=ms)
        same = line["access_key_sha256"] == first_key
        return Cell("same keys" if same else "new keys", version=version, ms=ms)
    finally:
        shutil.rmtree(home, ignore_errors=True)


class Run:
    """The whole run: every case's cells, gathered from worker threads."""

    def __init__(self, args, probes, temp_root):
        self.args = args
        self.probes = probes          # the located ones
        self.temp_root = temp_root
        self.deadline = time.monotonic() + args.deadline
        self.cells = {}               # case key -> column -> Cell
        self.errors = []              # runner failures (strings)
        self.unsafe = None            # the first UnsafeEnvironment: stop
        self.lock = threading.Lock()

    def run_case(self, case):
        if self.unsafe is not None:
            return
        started = time.monotonic()
        cells = {}
        try:
            server = Server(self.args.metamock, case.scenario, self.temp_root)
        except RunnerError as e:
            with self.lock:
                self.errors.append(f"{case.key}: {e}")
            return
        try:
            for probe in self.probes:
                for provider, paths in probe.providers:
                    if case.path not in paths:
                        continue
                    column = f"{probe.sdk}/{provider}"
                    if self.unsafe is not None:
                        return
                    try:
                        cells[column] = run_cell(server, case, probe, provider,
                                                 self.temp_root, self.deadline)
                    except UnsafeEnvironment as e:
                        self.unsafe = e
                        return
                    except RunnerError as e:
                        cells[column] = Cell(f"error: [runner] {e}", broken=True)
                        with self.lock:
                            self.errors.append(f"{case.key} {column}: {e}")
        finally:
            server.stop()
        with self.lock:
            self.cells[case.key] = cells
            print(f"  {case.key}: {len(cells)} cells, "
                  f"{time.monotonic() - started:.1f} s", flush=True)
            if self.args.verbose:
                for column, cell in cells.items():
                    print(f"    {column:32} {cell.ms if cell.ms is not None else '-':>6} ms  "
                          f"{cell.outcome or 'unsupported: ' + str(cell.unsupported)}"
                          + (f"  [{cell.detail}]" if cell.detail else ""),
                          flush=True)

    def run(self, cases):
        ordered = sorted(cases, key=lambda c: -c.weight)
        with concurrent.futures.ThreadPoolExecutor(self.args.jobs) as pool:
            futures = [pool.submit(self.run_case, c) for c in ordered]
            for future in futures:
                future.result()
        if self.unsafe is not None:
            raise self.unsafe


# --- expected.json ------------------------------------------------------------


def observed_document(run, cases):
    """expected.json's content from what was observed."""
    versions = {}
    cells = {}
    by_design = []
    for case in cases:
        row = {}
        for column, cell in run.cells.get(case.key, {}).items():
            if cell.outcome is None:
                continue
            row[column] = cell.outcome
            sdk = column.split("/")[0]
            if cell.version and sdk not in versions:
                versions[sdk] = cell.version
            reason = by_design_reason(case.key, column)
            if reason and not _succeeded(cell.outcome):
                by_design.append({"case": case.key, "column": column,
                                  "reason": reason})
        if row:
            cells[case.key] = {c: row[c] for c in columns_for(case.path) if c in row}
    for probe in run.probes:
        if probe.sdk not in versions:
            fallback = fallback_version(probe, run.args.build_dir)
            if fallback:
                versions[probe.sdk] = fallback
    return {
        "comment": ("Generated by clients/matrix/matrix.py --update (make "
                    "matrix); checked by --check (make test). Cells: "
                    "credentials, new keys / same keys (rotation), "
                    "error: MESSAGE, refused: MESSAGE (normalised)."),
        "versions": {p.sdk: versions[p.sdk] for p in PROBES if p.sdk in versions},
        "cells": cells,
        "by_design": by_design,
    }


def _succeeded(outcome):
    return outcome in ("credentials", "new keys")


def fallback_version(probe, build_dir):
    """For a probe line without "version" (older probes)."""
    if probe.sdk == "js-v3":
        package = os.path.join(build_dir, "js-v3", "node_modules", "@aws-sdk",
                               "credential-providers", "package.json")
        try:
            with open(package, encoding="utf-8") as f:
                return json.load(f).get("version")
        except (OSError, ValueError):
            return None
    return None


def load_expected():
    try:
        with open(EXPECTED_FILE, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temp = path + ".tmp"
    with open(temp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temp, path)


def json_text(document):
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- docs/compatibility.md ----------------------------------------------------

COLUMN_HEADS = {
    "chain": "chain", "imds": "imds", "container": "container",
    "fromInstanceMetadata": "fromInstance&shy;Metadata",
    "fromHttp": "fromHttp",
    "fromContainerMetadata": "fromContainer&shy;Metadata",
    "fromNodeProviderChain": "fromNode&shy;ProviderChain",
}
SHORT_CHARS = 44
# Wrappers that come before the informative part of a message; the short
# form in a table cell drops them (the full message is listed below it).
WRAPPERS = [
    "Unable to retrieve credentials: ",
    "failed to refresh cached credentials, ",
    "Error when retrieving credentials from container-role: ",
    "Error retrieving metadata: ",
    "Received error when attempting to retrieve ECS metadata: ",
    "failed to load credentials, ",
    "no EC2 IMDS role found, ",
    "operation error ec2imds: GetMetadata, ",
    "deserialization failed, ",
]


def _one_line(text):
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return " ⏎ ".join(line for line in lines if line)


def _md(text):
    """Text for a table cell (not code): one line, no markup, no pipes."""
    return (_one_line(text).replace("\\", "\\\\").replace("|", "\\|")
            .replace("<", "&lt;").replace("`", "'").replace("*", "\\*"))


def _code(text):
    """A code span: one line; backticks cannot occur inside."""
    return "`" + _one_line(text).replace("`", "'") + "`"


def _short(message):
    """A cell's short form: the first line, wrappers dropped, cut."""
    text = " ".join(message.splitlines()[0].split()) if message.strip() else ""
    stripped = True
    while stripped:
        stripped = False
        for wrapper in WRAPPERS:
            if text.startswith(wrapper) and len(text) > len(wrapper):
                text = text[len(wrapper):]
                stripped = True
    if len(text) <= SHORT_CHARS:
        return text
    return text[:SHORT_CHARS - 1].rstrip(" ,;:") + "…"


def _has_sdk(cells, sdk):
    return any(c.split("/")[0] == sdk for row in cells.values() for c in row)


def render(expected):
    """docs/compatibility.md, from expected.json's content alone."""
    cells = expected.get("cells", {})
    versions = expected.get("versions", {})
    design = {(d["case"], d["column"]): d["reason"]
              for d in expected.get("by_design", [])}
    out = []
    w = out.append
    w("<!-- Generated by clients/matrix/matrix.py from clients/matrix/"
      "expected.json: do not edit; run `make matrix`. -->")
    w("")
    w("# SDK compatibility matrix")
    w("")
    w("What real AWS SDKs do against each bundled scenario, on each credential "
      "path. `make matrix` runs every probe in `clients/` (see "
      "[clients/README.md](../clients/README.md)) against metamock and "
      "rewrites this page and `clients/matrix/expected.json`; `make test` "
      "runs them again and fails when an outcome departs from "
      "`expected.json`, so a change in metamock or an SDK upgrade shows up "
      "as a failing test.")
    w("")
    w("Each cell is one run of one probe, in a fresh process, against a "
      "freshly loaded scenario, with an empty environment plus the loopback "
      "endpoint variables of `GET /_metamock/env?where=host`, "
      "`AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` set to "
      "`/dev/null`, `AWS_REGION` us-east-1 and `NO_PROXY=*`. Nothing is "
      "signed and no AWS service is called.")
    w("")
    w("Legend: ✓ credentials. ✓ new keys: after the clock moved 6 h, a fresh "
      "process got other keys. ✗ the error the SDK's users see, shortened; "
      "the full message is listed under the table by its number. † a failure "
      "by design (see [Failures by design](#failures-by-design)). — the probe "
      "refused to run (the case gives it no endpoint). Messages are "
      "normalised: `PORT`, `TIME`, `DURATION`, `ID`, `HEX` and `ASIA…` stand "
      "for ports, times, durations, ids and request ids, hex runs and access "
      "keys. `[runner] no result within DURATION; probe killed`: the SDK had "
      "not given up after 20 s (a hanging endpoint) and the runner stopped it.")
    w("")
    w("## SDK versions")
    w("")
    w("| SDK | version | probe | providers |")
    w("|---|---|---|---|")
    for probe in PROBES:
        if not _has_sdk(cells, probe.sdk):
            continue
        providers = ", ".join(f"`{p}`" for p, _ in probe.providers)
        w(f"| {_md(probe.title)} | {_md(versions.get(probe.sdk, 'unknown'))} | "
          f"{_code(_probe_command(probe))} | {providers} |")
    missing = [p.sdk for p in PROBES if not _has_sdk(cells, p.sdk)]
    if missing:
        w("")
        w("Not in this matrix (the probe was not installed when it was "
          f"generated): {', '.join(missing)}.")
    w("")

    for path in PATHS:
        keys = [c.key for c in CASES if c.path == path and c.key in cells]
        if not keys:
            continue
        columns = [c for c in columns_for(path)
                   if any(c in cells[k] for k in keys)]
        w(f"## {PATH_TITLES[path]}")
        w("")
        w(PATH_INTRO[path])
        w("")
        w("| case | " + " | ".join(
            f"{c.split('/')[0]}<br>{COLUMN_HEADS[c.split('/')[1]]}"
            for c in columns) + " |")
        w("|---|" + "---|" * len(columns))
        numbers = {}
        messages = []
        for key in keys:
            row = [_md(CASES_BY_KEY[key].label)]
            for column in columns:
                row.append(_cell_text(cells[key].get(column),
                                      (key, column) in design, numbers, messages))
            w("| " + " | ".join(row) + " |")
        w("")
        if messages:
            w("Messages:")
            w("")
            for number, message in messages:
                w(f"- **E{number}** {_code(message)}")
            w("")
        w("<details><summary>What each case does</summary>")
        w("")
        w("| case | scenario | what the runner does |")
        w("|---|---|---|")
        for key in keys:
            case = CASES_BY_KEY[key]
            w(f"| {_md(case.label)} | `{case.scenario}` | {_md(case.does)} |")
        w("")
        w("</details>")
        w("")

    glance = behaviour_table(cells)
    if glance:
        w("## Behaviour at a glance")
        w("")
        w("Read off the tables above, for each SDK's default chain (js-v3: "
          "`fromNodeProviderChain`).")
        w("")
        w(glance)
        w("")

    w("## Per-SDK notes")
    w("")
    w("From the SDKs' sources and from runs recorded in the project's "
      "reference notes (IMDS: sections 5 and 6 of the IMDS reference; "
      "containers: section 4 of the ECS reference), for the versions named.")
    w("")
    for sdk, title, facts in SDK_NOTES:
        if not _has_sdk(cells, sdk):
            continue
        w(f"### {title}")
        w("")
        for fact in facts:
            w(f"- {fact}")
        w("")

    w("## Failures by design")
    w("")
    w("These cells fail because the SDK version does not support what the "
      "case uses. They are recorded as the expected outcome, so an upgrade "
      "that fixes them shows up as a departure (then run `make matrix`).")
    w("")
    if design:
        w("| case | SDK | why |")
        w("|---|---|---|")
        for (key, column), reason in design.items():
            label = CASES_BY_KEY[key].label if key in CASES_BY_KEY else key
            w(f"| {_md(label)} | {_md(column)} | {_md(reason)} |")
        w("")
    w("Not run on the host, by the safety rule: EKS's real address. With "
      "`AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.170.23/v1/credentials` "
      "Debian's botocore 1.29.27 raises `ValueError: Unsupported host "
      "'169.254.170.23'.  Can only retrieve metadata from these hosts: "
      "169.254.170.2, localhost, 127.0.0.1`, and aws-sdk-go-v2 1.17.1 fails in "
      "`LoadDefaultConfig` with `invalid endpoint host, \"169.254.170.23\", "
      "only loopback hosts are allowed`, both before sending anything (ECS "
      "reference, sections 4.1 and 4.2). With the token file above, that "
      "means EKS Pod Identity as EKS sets it up does not work with either. "
      "Only a test that owns a network namespace may use that address.")
    w("")
    return "\n".join(out)


def _probe_command(probe):
    return {
        "botocore": "/usr/bin/python3 clients/botocore/probe.py PROVIDER",
        "aws-cli": "clients/aws-cli/probe.sh chain",
        "go-v2": "BUILD/clients/go-v2-probe PROVIDER",
        "go-v1": "BUILD/clients/go-v1-probe PROVIDER",
        "js-v3": "node BUILD/js-v3/probe.mjs PROVIDER",
    }[probe.sdk]


def _cell_text(outcome, by_design, numbers, messages):
    if outcome is None:
        return " "
    if outcome == "credentials":
        return "✓"
    if outcome == "new keys":
        return "✓ new keys"
    if outcome == "same keys":
        return "✗ same keys"
    mark = "✗†" if by_design else "✗"
    if outcome.startswith("refused: "):
        mark = "—"
        message = outcome[len("refused: "):]
    elif outcome.startswith("error: "):
        message = outcome[len("error: "):]
    else:
        message = outcome
    if message not in numbers:
        numbers[message] = len(numbers) + 1
        messages.append((numbers[message], message))
    if mark == "—":
        return f"— (E{numbers[message]})"
    return f"{mark} E{numbers[message]}: {_md(_short(message))}"


PATH_INTRO = {
    "imds": ("Endpoint: `AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:PORT/`. "
             "Columns: each SDK's default chain, and its IMDS provider alone."),
    "ecs": ("Endpoint: `AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:PORT/"
            "v2/credentials/ID` (never the RELATIVE_URI, which SDKs send to "
            "169.254.170.2), `AWS_EC2_METADATA_DISABLED=true` and, as a safety "
            "net for an SDK that would ignore it, "
            "`AWS_EC2_METADATA_SERVICE_ENDPOINT` on metamock too."),
    "eks": ("Endpoint: `AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:PORT/"
            "v1/credentials` with the pod's `AWS_CONTAINER_AUTHORIZATION_TOKEN` "
            "(on loopback: the EKS address 169.254.170.23 is never used on the "
            "host), `AWS_EC2_METADATA_DISABLED=true` and the loopback "
            "`AWS_EC2_METADATA_SERVICE_ENDPOINT`, as for ECS."),
}

SDK_NOTES = [
    ("botocore", "botocore 1.29.27 (Debian)", [
        "Timeouts: IMDS 1 s per request (`AWS_METADATA_SERVICE_TIMEOUT`), one "
        "attempt (`AWS_METADATA_SERVICE_NUM_ATTEMPTS`); container provider 2 s.",
        "Retries: IMDS GETs are retried on non-200, an empty body or invalid "
        "JSON only up to the attempts setting (default 1); the container "
        "provider makes 3 attempts 1 s apart on any non-200 status, connection "
        "error or timeout.",
        "IMDSv1 fallback: a token PUT answered 403/404/405, timing out, or "
        "failing after its attempts gives token-less GETs, on every fetch (a "
        "new PUT each time); only a 400 stops it. There is no "
        "`AWS_EC2_METADATA_V1_DISABLED` before 1.32.4.",
        "Errors: IMDS failures are swallowed and end in `Unable to locate "
        "credentials`; `Code` in the credentials document is never checked "
        "(an AssumeRoleUnauthorizedAccess document is just missing keys). "
        "Container errors embed the raw body: `Received non 200 response "
        "(500) from ECS metadata: ...`.",
        "Static stability: credentials from IMDS that expire within 17-25 "
        "min (or already expired) get their expiry pushed out by that window, "
        "with the warning \"Attempting credential expiration extension due to "
        "a credential service availability issue\". Refresh: advisory 15 min, "
        "mandatory 10 min before expiry; a failed refresh raises `Credential "
        "refresh failed, response did not contain: access_key, secret_key, "
        "token, expiry_time`.",
        "Containers: FULL_URI hosts 169.254.170.2, localhost and 127.0.0.1 "
        "only; `AWS_CONTAINER_AUTHORIZATION_TOKEN` yes, `_TOKEN_FILE` no.",
    ]),
    ("aws-cli", "AWS CLI 2.9.19 (Debian)", [
        "A vendored botocore 1.29-era fork: the same timeouts, retries, "
        "IMDSv1 fallback and static stability as botocore above; it builds "
        "IMDS URLs as base + path, so a custom endpoint must end in `/` "
        "(metamock's env gives it so).",
        "What users see: `configure export-credentials` exits 253 with "
        "`Unable to retrieve credentials: ...` on stderr.",
    ]),
    ("go-v2", "aws-sdk-go-v2 1.17.1 (Debian; feature/ec2/imds 1.12.19)", [
        "Timeouts: IMDS dial 250 ms, response header 500 ms, 5 s per "
        "operation; `AWS_METADATA_SERVICE_TIMEOUT`/`_NUM_ATTEMPTS` are not "
        "read. Container provider: 30 s dial, no overall timeout (the probe "
        "bounds each retrieval with a 30 s context).",
        "Retries: standard retryer, 3 attempts, backoff at most 1 s, on "
        "500/502/503/504 for IMDS; 429 is not retried. Container errors are "
        "not retried in 1.17 (`EndpointError` carries no status).",
        "IMDSv1 fallback: token TTL 300 s, cached; a token 403/404/405 or a "
        "send error/timeout disables tokens for good (v1 from then on); 400 "
        "is terminal; a GET 401 re-enables tokens and retries. No v1 switch "
        "before imds 1.13.0.",
        "Errors: `Code` must be `Success`, otherwise `failed to get <role> EC2 "
        "IMDS role credentials, api error <Code>: <Message>`; the ECS agent's "
        "JSON `code`/`message` are decoded, a plain-text error body (the "
        "429) is a deserialization failure (aws/aws-sdk-go-v2#2316).",
        "Static stability: `Expires` is capped at now + 1 h; on a failed "
        "refresh, credentials still valid for more than 5 min are reused, "
        "otherwise extended by 5-15 min with a warning.",
        "Containers: FULL_URI must be loopback (rejected in "
        "`LoadDefaultConfig` otherwise); `AWS_CONTAINER_AUTHORIZATION_TOKEN` "
        "yes, `_TOKEN_FILE` no.",
    ]),
    ("go-v1", "aws-sdk-go 1.44.133 (Debian)", [
        "IMDSv1 fallback: the same rules as go-v2 (403/404/405 → v1, 400 → "
        "error); asks a token TTL of 21600 s.",
        "Errors: the default chain says only `NoCredentialProviders: no valid "
        "providers in chain. Deprecated.` unless "
        "`CredentialsChainVerboseErrors` is set; the providers alone give "
        "`EC2RoleRequestError: no EC2 instance role found` and "
        "`CredentialsEndpointError: failed to load credentials`.",
        "Containers: `AWS_CONTAINER_AUTHORIZATION_TOKEN` yes, `_TOKEN_FILE` no.",
    ]),
    ("js-v3", "AWS SDK for JavaScript v3 (@smithy/credential-provider-imds, "
     "@aws-sdk/credential-provider-http)", [
        "Timeouts: IMDS 1000 ms and no retries by default (options only, no "
        "environment variables); fromHttp 1000 ms connect and request; "
        "fromContainerMetadata 1000 ms.",
        "Retries: fromHttp makes 4 attempts 1000 ms apart; "
        "fromContainerMetadata one; the IMDS provider none (maxRetries 0).",
        "IMDSv1 fallback: a token PUT on every call (TTL 21600); 403/404/405 "
        "turns tokens off for good, any other failure or a timeout uses v1 "
        "for that call, 400 is an error. `AWS_EC2_METADATA_V1_DISABLED` "
        "(any value but `false`) blocks v1 with `InstanceMetadataV1FallbackError`.",
        "Errors: IMDS `Code` is ignored (shape check only); fromHttp reads "
        "`Code`/`Message` (capitalised), so the ECS agent's lowercase JSON is "
        "ignored: `Server responded with status: 500`; the chain ends in "
        "`Could not load credentials from any providers`.",
        "Static stability: expired credentials from IMDS, or a failed fetch "
        "with previous credentials, get 5-10 more minutes with the warning "
        "\"Attempting credential expiration extension...\"; the chain "
        "refreshes 5 min before expiry.",
        "Hangs: in the pinned 3.967.0 (@smithy/node-http-handler 4.14.2), fromHttp's 1000 ms request timeout "
        "only logs `@smithy/node-http-handler - [WARN] a request has exceeded "
        "the configured 1000 ms requestTimeout` and keeps waiting, so "
        "fromHttp and the chain wait on a hanging agent (the ECS table's hang "
        "row); fromContainerMetadata gives up after 1000 ms.",
        "Containers: fromHttp accepts loopback, 169.254.170.2/.23 and "
        "[fd00:ec2::23] over http and reads `AWS_CONTAINER_AUTHORIZATION_TOKEN` "
        "then `_TOKEN_FILE`; fromContainerMetadata accepts only localhost and "
        "127.0.0.1 and reads only the token variable.",
    ]),
]


CHAIN_COLUMNS = [("botocore", "botocore/chain"), ("aws-cli", "aws-cli/chain"),
                 ("go-v2", "go-v2/chain"), ("go-v1", "go-v1/chain"),
                 ("js-v3", "js-v3/fromNodeProviderChain")]


def _yes_if(wanted):
    def judge(outcome):
        return "yes" if outcome == wanted else "no"
    return judge


def _yes_if_error(outcome):
    return "yes" if outcome.startswith("error: ") else "no"


def _gives_up(outcome):
    if outcome.startswith("error: [runner] no result"):
        return "no (killed after 20 s)"
    return "yes" if outcome.startswith("error: ") else "n/a"


GLANCE = [
    ("IMDSv1 fallback when the token PUT is 404", "imds/healthy+token-404",
     _yes_if("credentials")),
    ("IMDSv1 fallback when the token PUT is unanswered (hop limit)",
     "imds/imds-hop-limit", _yes_if("credentials")),
    ("Honours `AWS_EC2_METADATA_V1_DISABLED`",
     "imds/imds-hop-limit+v1-disabled", _yes_if_error),
    ("Uses credentials IMDS serves after their expiry (static stability)",
     "imds/rotation-delayed@6h05m", _yes_if("credentials")),
    ("Gives up on a hanging IMDS", "imds/fault-hang", _gives_up),
    ("Gives up on a hanging ECS agent", "ecs/fault-hang", _gives_up),
    ("Falls through to the instance role when a task has no credential "
     "variables", "ecs/ecs-task-roles-disabled+imds", _yes_if("credentials")),
    ("Reads `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`",
     "eks/eks-pod-identity+token-file", _yes_if("credentials")),
    ("New keys after a rotation (new process)", "imds/rotation",
     _yes_if("new keys")),
]


def behaviour_table(cells):
    """A table of yes/no answers read off the cells (deterministic)."""
    sdks = [(sdk, column) for sdk, column in CHAIN_COLUMNS
            if any(column in row for row in cells.values())]
    if not sdks:
        return ""
    lines = ["| | " + " | ".join(sdk for sdk, _ in sdks) + " |",
             "|---|" + "---|" * len(sdks)]
    for question, case_key, judge in GLANCE:
        row = cells.get(case_key, {})
        answers = [judge(row[column]) if column in row else " "
                   for _, column in sdks]
        lines.append(f"| {question} | " + " | ".join(answers) + " |")
    return "\n".join(lines)


# --- check --------------------------------------------------------------------


def compare(expected, observed, run, cases, scenarios):
    """Departure lines (FAIL ...) and the pass count."""
    failures = []
    passed = 0
    expected_cells = expected.get("cells", {})
    selected = {c.key for c in cases}
    located = {p.sdk for p in run.probes}
    reported_missing = set()
    for case_key, row in expected_cells.items():
        if case_key not in CASES_BY_KEY:
            failures.append(f"FAIL {case_key}: in expected.json but the runner "
                            "has no such case (run make matrix)")
            continue
        if case_key not in selected:
            continue
        observed_row = run.cells.get(case_key, {})
        for column, want in row.items():
            sdk = column.split("/")[0]
            if sdk not in located:
                probe = PROBES_BY_SDK.get(sdk)
                if sdk not in reported_missing:
                    reported_missing.add(sdk)
                    why = probe.missing if probe else "unknown SDK"
                    hint = probe.install_hint if probe else ""
                    failures.append(f"FAIL {sdk}: probe not installed ({why}); "
                                    f"expected.json covers it. Install: {hint}")
                failures.append(f"FAIL {case_key} {column}: not run (probe "
                                f"{sdk} missing); expected {want!r}")
                continue
            cell = observed_row.get(column)
            if cell is None:
                failures.append(f"FAIL {case_key} {column}: not observed; "
                                f"expected {want!r}")
            elif cell.outcome is None:
                failures.append(f"FAIL {case_key} {column}: the probe does not "
                                f"offer this provider ({cell.unsupported}); "
                                f"expected {want!r}")
            elif cell.outcome != want:
                failures.append(f"FAIL {case_key} {column}: expected {want!r}, "
                                f"observed {cell.outcome!r}"
                                + (f" [{cell.detail}]" if cell.detail else ""))
            else:
                passed += 1
    for case_key, row in run.cells.items():
        for column, cell in row.items():
            if cell.outcome is not None and column not in expected_cells.get(case_key, {}):
                failures.append(f"FAIL {case_key} {column}: observed "
                                f"{cell.outcome!r}, not in expected.json "
                                "(run make matrix)")
    for sdk, version in expected.get("versions", {}).items():
        seen = observed.get("versions", {}).get(sdk)
        if sdk in located and seen and seen != version:
            failures.append(f"FAIL versions {sdk}: expected {version}, observed "
                            f"{seen} (an SDK upgrade: check the cells, then run "
                            "make matrix)")
    covered = {c.scenario for c in CASES}
    for scenario in scenarios:
        if scenario not in covered:
            failures.append(f"FAIL scenario {scenario}: bundled, but no case "
                            "covers it (add one to CASES in matrix.py)")
    for error in run.errors:
        failures.append(f"FAIL runner: {error}")
    try:
        with open(DOC_FILE, encoding="utf-8") as f:
            doc = f.read()
    except OSError:
        doc = None
    if doc != render(expected):
        failures.append("FAIL docs/compatibility.md: does not match "
                        "clients/matrix/expected.json (run make matrix)")
    return failures, passed


# --- main ---------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Runs every SDK probe against every bundled scenario.")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true",
                      help="compare with clients/matrix/expected.json")
    mode.add_argument("--update", action="store_true",
                      help="write expected.json and docs/compatibility.md")
    parser.add_argument("--metamock", required=True, help="the metamock binary")
    parser.add_argument("--build-dir", required=True,
                        help="where clients/go-v*-probe and js-v3/ are")
    parser.add_argument("--jobs", type=int, default=2,
                        help="cases run at once, each with its own metamock "
                             "(default 2)")
    parser.add_argument("--deadline", type=float, default=DEFAULT_DEADLINE_S,
                        help="seconds for the whole run (default %(default)s)")
    parser.add_argument("--verbose", action="store_true",
                        help="print every cell as it is observed, with its time")
    parser.add_argument("--only", metavar="REGEX",
                        help="run only cases whose key (PATH/NAME) matches; "
                             "with --check, compare only those (not with --update)")
    args = parser.parse_args(argv)
    if args.only and args.update:
        parser.error("--only cannot be used with --update")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    args.metamock = os.path.abspath(args.metamock)
    args.build_dir = os.path.abspath(args.build_dir)
    if not os.access(args.metamock, os.X_OK):
        parser.error(f"--metamock {args.metamock}: not an executable file")
    return args


def main(argv):
    args = parse_args(argv)
    started = time.monotonic()
    probes = []
    skipped = []
    for probe in PROBES:
        if probe.locate(args.build_dir):
            probes.append(probe)
        else:
            skipped.append(probe)
    cases = [c for c in CASES if not args.only or re.search(args.only, c.key)]
    try:
        scenarios = list_scenarios(args.metamock)
    except (RunnerError, subprocess.TimeoutExpired) as e:
        print(f"matrix: {e}", file=sys.stderr)
        return 1
    print(f"matrix: {len(cases)} cases, probes: "
          f"{', '.join(p.sdk for p in probes) or 'none'}"
          + (f"; missing: {', '.join(p.sdk for p in skipped)}" if skipped else ""),
          flush=True)
    _note_stale_js_copy(args.build_dir)
    temp_root = tempfile.mkdtemp(prefix="metamock-matrix-")
    _TEMP_ROOT.append(temp_root)
    signal.signal(signal.SIGTERM, _stop_children_and_exit)
    signal.signal(signal.SIGINT, _stop_children_and_exit)
    run = Run(args, probes, temp_root)
    try:
        run.run(cases)
    except UnsafeEnvironment as e:
        print(f"matrix: refusing to run a probe: {e}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(temp_root, ignore_errors=True)
    elapsed = time.monotonic() - started
    observed = observed_document(run, cases)
    _print_unsupported(run)

    if args.update:
        for probe in skipped:
            print(f"matrix: skipped {probe.sdk}: {probe.missing} "
                  f"(install: {probe.install_hint})")
        uncovered = [s for s in scenarios if s not in {c.scenario for c in CASES}]
        for scenario in uncovered:
            print(f"matrix: warning: bundled scenario {scenario} has no case")
        for line in _runner_outcomes(run):
            print(f"matrix: warning: {line}")
        broken = [f"{key} {column}: {cell.outcome} [{cell.detail}]"
                  for key, row in sorted(run.cells.items())
                  for column, cell in row.items() if cell.broken]
        if run.errors or broken:
            for error in run.errors + broken:
                print(f"matrix: {error}", file=sys.stderr)
            print("matrix: not written: the run had errors", file=sys.stderr)
            return 1
        write_text(EXPECTED_FILE, json_text(observed))
        write_text(DOC_FILE, render(observed))
        count = sum(len(r) for r in observed["cells"].values())
        print(f"matrix: wrote {os.path.relpath(EXPECTED_FILE, SOURCE_DIR)} "
              f"({count} cells) and {os.path.relpath(DOC_FILE, SOURCE_DIR)} "
              f"in {elapsed:.0f} s")
        return 0

    expected = load_expected()
    if expected is None:
        print(f"FAIL {EXPECTED_FILE}: missing (run make matrix)")
        print("0 passed, 1 failed")
        return 1
    failures, passed = compare(expected, observed, run, cases, scenarios)
    for line in failures:
        print(line)
    print(f"matrix: ran in {elapsed:.0f} s")
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


def _runner_outcomes(run):
    for case_key, row in sorted(run.cells.items()):
        for column, cell in row.items():
            if cell.outcome and ("[runner]" in cell.outcome
                                 or "tried to connect" in cell.outcome):
                yield f"{case_key} {column}: {cell.outcome}" + (
                    f" [{cell.detail}]" if cell.detail else "")


def _print_unsupported(run):
    seen = set()
    for row in run.cells.values():
        for column, cell in row.items():
            if cell.outcome is None and column not in seen:
                seen.add(column)
                print(f"matrix: {column}: the probe does not offer it "
                      f"({cell.unsupported}); not recorded")


def _note_stale_js_copy(build_dir):
    source = os.path.join(SOURCE_DIR, "clients", "js-v3", "probe.mjs")
    copy = os.path.join(build_dir, "js-v3", "probe.mjs")
    try:
        with open(source, "rb") as a, open(copy, "rb") as b:
            if a.read() != b.read():
                print(f"matrix: note: {copy} differs from clients/js-v3/probe.mjs "
                      "(make test-deps copies it)", flush=True)
    except OSError:
        pass


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
