#!/usr/bin/python3
"""botocore against a real metamock: the EC2 instance-role credential path.

Run by ctest as

    /usr/bin/python3 tests/sdk/botocore_imds_test.py /path/to/metamock

with Debian's botocore (python3-botocore), which only /usr/bin/python3 can
import. Starts two metamock servers with the same --seed on 127.0.0.1:0 and
makes these checks, printing `PASS name` or `FAIL name: reason` for each and
then one summary line `N passed, M failed` (the line CI reads):

  session_chain      botocore.session.get_session().get_credentials() resolves
                     through the default chain by method `iam-role`; the keys
                     have the documented shapes and equal the document fetched
                     directly with urllib (PUT token, then GET).
  imdsv2_used        an InstanceMetadataFetcher built directly gets a 56-char
                     session token and the role's credentials, and the
                     requests it sent (recorded in-process, since metamock has
                     no request journal yet) were a token PUT followed by GETs
                     carrying that token. The recording matters: metamock
                     also answers IMDSv1 GETs, so a successful fetch alone
                     would not show that the token was used.
  seed_reproducible  the second server, same --seed, serves the same keys.

Exit status: 0 if every check passed, 1 if any failed (the servers not
starting fails them all), 2 for bad usage.

Safety rules this script follows (a real IMDS must never be reached and no
AWS service is ever called):
  * Packets go only to 127.0.0.1, to the ports the servers printed. Every
    HTTP request botocore makes goes through a guard (a wrapper around
    URLLib3Session.send) that refuses, before connecting, any other host or
    port and any request that would go through a proxy.
  * Before the botocore session is created, os.environ is rebuilt: every
    AWS_* variable is removed, then AWS_EC2_METADATA_SERVICE_ENDPOINT points
    at the first server (with a trailing slash), AWS_CONFIG_FILE and
    AWS_SHARED_CREDENTIALS_FILE are /dev/null, AWS_REGION and
    AWS_DEFAULT_REGION are us-east-1, BOTO_CONFIG is /dev/null (no boto2
    config file can supply keys), NO_PROXY/no_proxy are `*` and every
    *_PROXY variable is removed. AWS_CONTAINER_CREDENTIALS_* are never set.
  * A fetcher built directly ignores AWS_EC2_METADATA_SERVICE_ENDPOINT, so
    the endpoint is always passed to it in `config`.
  * Credentials are only resolved: no client is created, nothing is signed.
  * The script's own urllib requests use no proxy and follow no redirect.
  * Every server started is stopped in a `finally` (SIGTERM, wait up to 5 s,
    then SIGKILL); every wait has a deadline, so the script ends in well
    under 60 s.
"""

import calendar
import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
import urllib.request

SEED = 20240229
ROLE_NAME = "metamock-ec2-role"
LOOPBACK = "127.0.0.1"
STARTUP_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0
HTTP_TIMEOUT_S = 5.0
TOKEN_LENGTH = 56
CREDENTIALS_PATH = "latest/meta-data/iam/security-credentials/"
LISTENING_RE = re.compile(r"^listening on (http://127\.0\.0\.1:(\d+))\s*$")
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                   "http_proxy", "https_proxy", "all_proxy")


class CheckFailed(Exception):
    """A check's expectation did not hold."""


class ServerStartError(Exception):
    """metamock could not be started or did not announce its address."""


class UnsafeRequest(Exception):
    """botocore tried to send a request outside the allowed loopback ports."""


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


# --- metamock processes ----------------------------------------------------


class Server:
    """One metamock child process and the URL it serves on."""

    def __init__(self, binary, seed):
        self.launched_at = time.time()
        self.stderr = tempfile.TemporaryFile()
        self.process = None
        self.base_url = None  # "http://127.0.0.1:PORT/"
        self.port = None
        try:
            self.process = subprocess.Popen(
                [binary, "--listen", LOOPBACK + ":0", "--seed", str(seed)],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=self.stderr)
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
                f"metamock {what}; stderr: {self.stderr_text()!r}")
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

    def stop(self):
        """SIGTERM, wait up to STOP_TIMEOUT_S, then SIGKILL.

        Prints a note (it is not one of the checks) if a running server did
        not exit with status 0 on SIGTERM.
        """
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                status = self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT_S)
                status = "none (ignored SIGTERM; killed)"
            if status != 0:
                print(f"note: metamock (pid {self.process.pid}) exit status "
                      f"after SIGTERM: {status}", file=sys.stderr)
        self.process.stdout.close()
        self.stderr.close()


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


def start_servers(binary, count, seed):
    """Launches `count` servers at once, then waits for each one's line."""
    servers = []
    try:
        for _ in range(count):
            servers.append(Server(binary, seed))
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        for server in servers:
            server.wait_until_listening(deadline)
    except BaseException:
        stop_servers(servers)
        raise
    return servers


def stop_servers(servers):
    for server in servers:
        server.stop()


# --- direct IMDS requests (urllib, loopback only) ---------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError for the 3xx


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                      _NoRedirect())


def http_text(base_url, path, method="GET", headers=None):
    url = base_url + path
    expect(urllib.parse.urlsplit(url).hostname == LOOPBACK,
           f"refusing to contact non-loopback URL {url}")
    request = urllib.request.Request(url, method=method, headers=headers or {})
    with _OPENER.open(request, timeout=HTTP_TIMEOUT_S) as response:
        expect(response.status == 200, f"{method} {url}: {response.status}")
        return response.read().decode("utf-8")


def fetch_credentials_document(base_url):
    """PUT a token, then GET the role's credentials document (IMDSv2)."""
    token = http_text(base_url, "latest/api/token", method="PUT",
                      headers={"X-aws-ec2-metadata-token-ttl-seconds": "300"})
    auth = {"X-aws-ec2-metadata-token": token}
    role = http_text(base_url, CREDENTIALS_PATH, headers=auth).strip()
    expect(role == ROLE_NAME, f"role list is {role!r}, not {ROLE_NAME!r}")
    return json.loads(http_text(base_url, CREDENTIALS_PATH + role,
                                headers=auth))


# --- botocore environment and request guard ---------------------------------


def prepare_environment(base_url):
    """Rebuilds os.environ so botocore can only find the local server."""
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        del os.environ[name]
    for name in PROXY_VARIABLES:
        os.environ.pop(name, None)
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


class RequestGuard:
    """Wraps URLLib3Session.send: allows only the given loopback ports.

    Every request botocore sends is recorded as (method, url, headers) and
    checked before any connection is made.
    """

    def __init__(self, allowed_ports):
        self.allowed_ports = set(allowed_ports)
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

    def admit(self, session, request):
        parts = urllib.parse.urlsplit(request.url)
        if parts.hostname != LOOPBACK or parts.port not in self.allowed_ports:
            raise UnsafeRequest(f"botocore tried to reach {request.url}")
        if session._proxy_config.proxy_url_for(request.url):
            raise UnsafeRequest(f"botocore would proxy {request.url}")
        self.requests.append((request.method, request.url,
                              {k.lower(): v for k, v in request.headers.items()}))


# --- checks -----------------------------------------------------------------


def check_credential_shapes(access_key, secret_key, token):
    expect(access_key.startswith("ASIA") and len(access_key) == 20,
           f"access key {access_key!r} is not ASIA + 16 characters")
    expect(len(secret_key) == 40,
           f"secret key has {len(secret_key)} characters, not 40")
    expect(bool(token), "session token is empty")


def check_session_chain(server):
    import botocore.session
    credentials = botocore.session.get_session().get_credentials()
    expect(credentials is not None, "the default chain found no credentials")
    expect(credentials.method == "iam-role",
           f"resolved by method {credentials.method!r}, not 'iam-role'")
    frozen = credentials.get_frozen_credentials()
    check_credential_shapes(frozen.access_key, frozen.secret_key, frozen.token)
    document = fetch_credentials_document(server.base_url)
    expect(frozen.access_key == document["AccessKeyId"],
           f"access key {frozen.access_key} != served "
           f"{document['AccessKeyId']}")
    expect(frozen.secret_key == document["SecretAccessKey"],
           "secret key differs from the served document")
    expect(frozen.token == document["Token"],
           "session token differs from the served document")


def check_imdsv2_used(server, guard):
    from botocore.utils import InstanceMetadataFetcher
    # Built directly, the fetcher ignores AWS_EC2_METADATA_SERVICE_ENDPOINT:
    # without `config` it would use the real IMDS address.
    fetcher = InstanceMetadataFetcher(
        timeout=2, num_attempts=1,
        config={"ec2_metadata_service_endpoint": server.base_url})
    expect(fetcher.get_base_url() == server.base_url,
           f"fetcher base URL is {fetcher.get_base_url()!r}")
    token = fetcher._fetch_metadata_token()
    expect(isinstance(token, str) and len(token) == TOKEN_LENGTH,
           f"_fetch_metadata_token() returned {token!r}, not a "
           f"{TOKEN_LENGTH}-char token")

    del guard.requests[:]
    result = fetcher.retrieve_iam_role_credentials()
    expect(result, "retrieve_iam_role_credentials() returned nothing")
    expect(result.get("role_name") == ROLE_NAME,
           f"role_name is {result.get('role_name')!r}")
    expect(str(result.get("access_key", "")).startswith("ASIA"),
           f"access_key is {result.get('access_key')!r}")
    expect(str(result.get("expiry_time", "")).endswith("Z"),
           f"expiry_time is {result.get('expiry_time')!r}")
    check_sent_with_token(guard.requests, server.base_url)


def check_sent_with_token(requests, base_url):
    """The recorded requests are PUT token, then GETs carrying that token."""
    summary = [(method, url[len(base_url):]) for method, url, _ in requests]
    expected = [("PUT", "latest/api/token"),
                ("GET", CREDENTIALS_PATH),
                ("GET", CREDENTIALS_PATH + ROLE_NAME)]
    expect(summary == expected, f"botocore sent {summary}, not {expected}")
    put_headers = requests[0][2]
    expect(put_headers.get("x-aws-ec2-metadata-token-ttl-seconds"),
           "token PUT has no X-aws-ec2-metadata-token-ttl-seconds header")
    tokens = {headers.get("x-aws-ec2-metadata-token")
              for _, _, headers in requests[1:]}
    expect(len(tokens) == 1 and None not in tokens,
           f"GETs did not all carry one session token: {tokens}")
    expect(len(tokens.pop()) == TOKEN_LENGTH, "GET token has the wrong length")


def parse_aws_time(text):
    """Seconds since the epoch for an IMDS time such as 2024-01-02T03:04:05Z."""
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


def in_first_rotation(server, document, fetched_at):
    """True if `document` is credential set 0 (issued at server start).

    Set k is issued at start + k hours, so LastUpdated between launch and
    the fetch (whole seconds) means k == 0.
    """
    issued = parse_aws_time(document["LastUpdated"])
    return server.launched_at - 1 <= issued <= fetched_at + 1


def check_seed_reproducible(first, second):
    fetched = [(server, fetch_credentials_document(server.base_url),
                time.time()) for server in (first, second)]
    (_, a, _), (_, b, _) = fetched
    if a["AccessKeyId"] != b["AccessKeyId"]:
        # Only a difference needs the rotation index: different sets of the
        # same seed legitimately differ.
        if not all(in_first_rotation(*entry) for entry in fetched):
            return (f"note: not compared, different rotations (LastUpdated "
                    f"{a['LastUpdated']} vs {b['LastUpdated']})")
    expect(a["AccessKeyId"] == b["AccessKeyId"],
           f"same --seed {SEED}, different access keys: {a['AccessKeyId']} "
           f"vs {b['AccessKeyId']}")
    expect(a["SecretAccessKey"] == b["SecretAccessKey"],
           "same --seed, different secret keys")
    expect(a["Token"] == b["Token"], "same --seed, different session tokens")
    return None


# --- runner -----------------------------------------------------------------


CHECK_NAMES = ("session_chain", "imdsv2_used", "seed_reproducible")


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

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
            print(f"PASS {name}" + (f" ({note})" if note else ""), flush=True)

    def fail(self, name, reason):
        self.failed += 1
        print(f"FAIL {name}: {reason}", flush=True)

    def summary(self):
        return f"{self.passed} passed, {self.failed} failed"


def run_checks(binary, results):
    try:
        servers = start_servers(binary, 2, SEED)
    except ServerStartError as e:
        print(f"error: {e}", file=sys.stderr, flush=True)
        for name in CHECK_NAMES:
            results.fail(name, f"metamock did not start: {e}")
        return
    try:
        first, second = servers
        prepare_environment(first.base_url)
        guard = RequestGuard([first.port])
        guard.install()
        results.run("session_chain", check_session_chain, first)
        results.run("imdsv2_used", check_imdsv2_used, first, guard)
        results.run("seed_reproducible", check_seed_reproducible, first,
                    second)
    finally:
        stop_servers(servers)


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} /path/to/metamock", file=sys.stderr)
        return 2
    results = Results()
    run_checks(argv[1], results)
    print(results.summary(), flush=True)
    return 0 if results.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
