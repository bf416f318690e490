"""Shared harness for the scripts that run real botocore against metamock.

Imported by botocore_imds_test.py, botocore_scenarios_test.py and
botocore_container_test.py (each script's docstring states its checks); not
a test by itself. It holds what they share: starting and stopping metamock
servers, the scripts' own urllib requests, the environment and request
guard that keep botocore on the local servers, and the PASS/FAIL
bookkeeping (one line per check, `PASS name` or `FAIL name: reason`, then
`N passed, M failed`, the line CI reads; exit status 0 if every check
passed, 1 if any failed or the servers did not start, 2 for bad usage).

Safety rules (a real IMDS must never be reached and no AWS service is ever
called); the code here enforces them and the scripts rely on it:
  * Servers listen only on 127.0.0.1:0, and packets go only to 127.0.0.1, to
    the ports the servers printed. Every HTTP request botocore makes goes
    through a guard (RequestGuard, a wrapper around URLLib3Session.send)
    that refuses, before connecting, any other host, any port not allowed
    at that moment (the imds script allows its first server's port, the
    scenarios and container scripts only the port of the server being
    checked) and any request that would go through a proxy.
  * Before each botocore session is created, os.environ is rebuilt
    (prepare_environment): every AWS_* variable is removed, then
    AWS_EC2_METADATA_SERVICE_ENDPOINT points at the server being checked
    (with a trailing slash), AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE
    are /dev/null, AWS_REGION and AWS_DEFAULT_REGION are us-east-1,
    BOTO_CONFIG is /dev/null (no boto2 config file can supply keys),
    NO_PROXY/no_proxy are `*` and every *_PROXY variable is removed; the
    scenarios script also sets AWS_METADATA_SERVICE_TIMEOUT to 3 and
    AWS_METADATA_SERVICE_NUM_ATTEMPTS to 1. AWS_CONTAINER_CREDENTIALS_* are
    never set there.
  * The container script rebuilds it with prepare_container_environment
    instead: the same removals, then AWS_CONTAINER_CREDENTIALS_FULL_URI (a
    URL on 127.0.0.1, refused otherwise), AWS_EC2_METADATA_DISABLED=true
    (the chain cannot fall through to IMDS), and the same config-file,
    region and NO_PROXY settings. AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is
    never set: botocore would send it to the ECS agent's link-local address.
  * An InstanceMetadataFetcher built directly ignores
    AWS_EC2_METADATA_SERVICE_ENDPOINT, so the endpoint is always passed to
    it in `config` (the imds script builds one).
  * Credentials are only resolved: no client is created, nothing is signed.
  * The scripts' own urllib requests (http_text, http_answer) go only to
    127.0.0.1, use no proxy and follow no redirect.
  * Every server started is stopped in a `finally` (SIGTERM, wait up to
    STOP_TIMEOUT_S = 5 s, then SIGKILL; the imds script stops its servers
    one after another, the scenarios and container scripts send SIGTERM to
    all and share one deadline); every wait has a deadline, and the
    scenarios and container scripts add a watchdog (main's
    overall_timeout_s), so the imds and container scripts end in well under
    60 s and the scenarios script in well under 90 s.
"""

import calendar
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

LOOPBACK = "127.0.0.1"
STARTUP_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0
HTTP_TIMEOUT_S = 5.0
CREDENTIALS_PATH = "latest/meta-data/iam/security-credentials/"
LISTENING_RE = re.compile(r"^listening on (http://127\.0\.0\.1:(\d+))\s*$")
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                   "http_proxy", "https_proxy", "all_proxy")
AWS_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class CheckFailed(Exception):
    """A check's expectation did not hold."""


class ServerStartError(Exception):
    """metamock could not be started or did not announce its address."""


class UnsafeRequest(Exception):
    """botocore tried to send a request outside the allowed loopback ports."""


class OverallTimeout(BaseException):
    """The watchdog fired: not an Exception, so no check swallows it."""


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


# --- metamock processes ----------------------------------------------------


class Server:
    """One metamock child process and the URL it serves on.

    `label` names it in messages ("metamock", "metamock --scenario NAME");
    `args` follow `--listen 127.0.0.1:0` on its command line. `env`, if
    given, changes the environment it inherits: each name is set to its
    value, or removed if the value is None.
    """

    def __init__(self, binary, label, args, env=None):
        self.label = label
        self.launched_at = time.time()
        self.stderr = tempfile.TemporaryFile()
        self.process = None
        self.base_url = None  # "http://127.0.0.1:PORT/"
        self.port = None
        self.signalled = False
        child_env = None
        if env is not None:
            child_env = dict(os.environ)
            for name, value in env.items():
                if value is None:
                    child_env.pop(name, None)
                else:
                    child_env[name] = value
        try:
            self.process = subprocess.Popen(
                [binary, "--listen", LOOPBACK + ":0", *args],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=self.stderr, env=child_env)
        except OSError as e:
            self.stderr.close()
            raise ServerStartError(
                f"cannot run metamock binary {binary!r}: {e}") from e

    def wait_until_listening(self, deadline):
        """Reads the `listening on URL` line, polling until `deadline`."""
        line = read_line(self.process.stdout, deadline)
        if line is None:
            try:  # EOF may come just before the exit can be reaped
                status = self.process.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                status = None
            if status is None:
                what = f"printed no `listening on` line in {STARTUP_TIMEOUT_S} s"
            else:
                what = f"exited with status {status} before `listening on`"
            raise ServerStartError(
                f"{self.label} {what}; stderr: {self.stderr_text()!r}")
        match = LISTENING_RE.match(line)
        if not match:
            raise ServerStartError(
                f"unexpected first line from metamock: {line!r} (wanted "
                f"`listening on http://{LOOPBACK}:PORT`)")
        self.base_url = match.group(1) + "/"
        self.port = int(match.group(2))

    def stderr_text(self):
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace").strip()

    def terminate(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.signalled = True

    def finish(self, deadline, note_own_exit):
        """Waits for the exit until `deadline`, then SIGKILL; closes pipes.

        Prints a note (it is not one of the checks) if the server's exit
        status after SIGTERM was not 0, and, if `note_own_exit`, also if it
        had exited by itself with a status other than 0.
        """
        if self.process is None:
            return
        try:
            status = self.process.wait(
                timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT_S)
            status = "none (ignored SIGTERM; killed)"
        if status != 0 and (self.signalled or note_own_exit):
            when = "after SIGTERM" if self.signalled else "(exited by itself)"
            print(f"note: {self.label} (pid {self.process.pid}) exit status "
                  f"{when}: {status}", file=sys.stderr)
        self.process.stdout.close()
        self.stderr.close()
        self.process = None


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


def start_servers(binary, launches, together=True):
    """Launches a server per (label, args) at once, then waits for each line.

    An entry may also be (label, args, env): see Server for `env`.

    If any fails to start, stops those launched (see stop_servers for
    `together`) and re-raises.
    """
    servers = []
    try:
        for label, args, *env in launches:
            servers.append(Server(binary, label, args, *env))
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        for server in servers:
            server.wait_until_listening(deadline)
    except BaseException:
        stop_servers(servers, together)
        raise
    return servers


def stop_servers(servers, together=True):
    """Stops every server: SIGTERM, wait up to STOP_TIMEOUT_S, then SIGKILL.

    Cancels the watchdog first, so that it cannot interrupt the stopping.
    `together`: SIGTERM to all, then one shared deadline, and a note also for
    a server that had exited by itself. Otherwise one server after another,
    each with its own deadline, and notes only for servers that were
    signalled.
    """
    signal.alarm(0)
    if together:
        for server in servers:
            server.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for server in servers:
            server.finish(deadline, note_own_exit=True)
    else:
        for server in servers:
            server.terminate()
            server.finish(time.monotonic() + STOP_TIMEOUT_S,
                          note_own_exit=False)


# --- direct requests (urllib, loopback only) --------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError for the 3xx


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                      _NoRedirect())


def http_text(base_url, path, method="GET", headers=None, body=None):
    """The body of a 200 answer from 127.0.0.1; no proxy, no redirect."""
    url = base_url + path
    expect(urllib.parse.urlsplit(url).hostname == LOOPBACK,
           f"refusing to contact non-loopback URL {url}")
    request = urllib.request.Request(url, method=method, headers=headers or {},
                                     data=body)
    with _OPENER.open(request, timeout=HTTP_TIMEOUT_S) as response:
        expect(response.status == 200, f"{method} {url}: {response.status}")
        return response.read().decode("utf-8")


def http_answer(base_url, path, method="GET", headers=None, body=None):
    """(status, headers, body text) of any answer from 127.0.0.1.

    Unlike http_text, a non-200 answer (a 429, say) is returned, not raised.
    `headers` is an email.message.Message (get() ignores case). No proxy, no
    redirect (a 3xx is returned as it came).
    """
    url = base_url + path
    expect(urllib.parse.urlsplit(url).hostname == LOOPBACK,
           f"refusing to contact non-loopback URL {url}")
    request = urllib.request.Request(url, method=method, headers=headers or {},
                                     data=body)
    try:
        with _OPENER.open(request, timeout=HTTP_TIMEOUT_S) as response:
            return (response.status, response.headers,
                    response.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.headers, e.read().decode("utf-8")


def imds_token(base_url):
    """An IMDSv2 session token (PUT latest/api/token)."""
    return http_text(base_url, "latest/api/token", method="PUT",
                     headers={"X-aws-ec2-metadata-token-ttl-seconds": "300"})


def aws_time(seconds):
    return time.strftime(AWS_TIME_FORMAT, time.gmtime(seconds))


def parse_aws_time(text):
    """Seconds since the epoch for an IMDS time such as 2024-01-02T03:04:05Z."""
    return calendar.timegm(time.strptime(text, AWS_TIME_FORMAT))


# --- botocore environment and request guard ---------------------------------


def prepare_environment(base_url, metadata_timeout=None,
                        metadata_attempts=None):
    """Rebuilds os.environ so botocore can only find the given server.

    `metadata_timeout` and `metadata_attempts`, if given, become
    AWS_METADATA_SERVICE_TIMEOUT and AWS_METADATA_SERVICE_NUM_ATTEMPTS.
    """
    _remove_aws_and_proxy_variables()
    os.environ.update({
        "AWS_EC2_METADATA_SERVICE_ENDPOINT": base_url,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "BOTO_CONFIG": "/dev/null",
        "NO_PROXY": "*",
        "no_proxy": "*",
    })
    if metadata_timeout is not None:
        os.environ["AWS_METADATA_SERVICE_TIMEOUT"] = str(metadata_timeout)
    if metadata_attempts is not None:
        os.environ["AWS_METADATA_SERVICE_NUM_ATTEMPTS"] = str(metadata_attempts)


def prepare_container_environment(full_uri):
    """Rebuilds os.environ for botocore's container path (ContainerProvider).

    `full_uri` (a URL on 127.0.0.1, refused otherwise) becomes
    AWS_CONTAINER_CREDENTIALS_FULL_URI; IMDS is disabled, so the chain cannot
    fall through to it. AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is never set.
    """
    expect(urllib.parse.urlsplit(full_uri).hostname == LOOPBACK,
           f"refusing a non-loopback container credentials URL {full_uri!r}")
    _remove_aws_and_proxy_variables()
    os.environ.update({
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": full_uri,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "BOTO_CONFIG": "/dev/null",
        "NO_PROXY": "*",
        "no_proxy": "*",
    })


def _remove_aws_and_proxy_variables():
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        del os.environ[name]
    for name in PROXY_VARIABLES:
        os.environ.pop(name, None)


class RequestGuard:
    """Wraps URLLib3Session.send: allows only the given loopback ports.

    Every request botocore sends is checked before any connection is made
    and recorded as (method, url, headers with lower-case names). No port is
    allowed until allow() is called.
    """

    def __init__(self):
        self.allowed_ports = set()
        self.requests = []

    def install(self):
        import botocore.httpsession
        session_class = botocore.httpsession.URLLib3Session
        original_send = session_class.send
        guard = self

        def guarded_send(session, request):
            guard.admit(session, request)
            return original_send(session, request)

        session_class.send = guarded_send

    def allow(self, *ports):
        """Allows exactly `ports` (none: every request is refused); clears
        the recorded requests."""
        self.allowed_ports = set(ports)
        del self.requests[:]

    def admit(self, session, request):
        parts = urllib.parse.urlsplit(request.url)
        if parts.hostname != LOOPBACK or parts.port not in self.allowed_ports:
            raise UnsafeRequest(f"botocore tried to reach {request.url}")
        if session._proxy_config.proxy_url_for(request.url):
            raise UnsafeRequest(f"botocore would proxy {request.url}")
        self.requests.append((request.method, request.url,
                              {k.lower(): v for k, v in request.headers.items()}))


# --- runner -----------------------------------------------------------------


class Results:
    """Counts and prints the outcome of each of `check_names`."""

    def __init__(self, check_names):
        self.check_names = check_names
        self.passed = 0
        self.failed = 0
        self.reported = set()

    def run(self, name, function, *args):
        try:
            note = function(*args)
        except CheckFailed as e:
            self.fail(name, str(e))
        except Exception as e:  # pylint: disable=broad-except
            self.fail(name, f"{type(e).__name__}: {e}")
            traceback.print_exc(file=sys.stderr)
        else:
            self.passed += 1
            self.reported.add(name)
            print(f"PASS {name}" + (f" ({note})" if note else ""), flush=True)

    def fail(self, name, reason):
        self.failed += 1
        self.reported.add(name)
        print(f"FAIL {name}: {reason}", flush=True)

    def fail_unreported(self, reason):
        for name in self.check_names:
            if name not in self.reported:
                self.fail(name, reason)

    def summary(self):
        return f"{self.passed} passed, {self.failed} failed"


def _on_alarm(signum, frame):
    raise OverallTimeout()


def main(argv, check_names, run_checks, overall_timeout_s=None):
    """Runs `run_checks(binary, results)`, prints the summary; exit status.

    With `overall_timeout_s`, a SIGALRM watchdog ends the checks after that
    many seconds and fails those not yet reported.
    """
    if len(argv) != 2:
        print(f"usage: {argv[0]} /path/to/metamock", file=sys.stderr)
        return 2
    results = Results(check_names)
    if overall_timeout_s is not None:
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.alarm(overall_timeout_s)
    try:
        run_checks(argv[1], results)
    except OverallTimeout:
        results.fail_unreported(f"not finished within {overall_timeout_s} s")
    finally:
        signal.alarm(0)
    print(results.summary(), flush=True)
    return 0 if results.failed == 0 else 1
