"""pytest fixtures that run metamock for each test.

Copy this file next to your tests. It needs the metamock binary: $METAMOCK,
or `metamock` on PATH.

    def test_something(metamock):            # a fresh metamock, env set
        creds = botocore.session.get_session().get_credentials()
        metamock.switch("role-removed-from-profile")
        metamock.advance("61m")

`metamock` starts `metamock --listen 127.0.0.1:0 --scenario healthy`, reads
the port from its first stdout line (`listening on http://127.0.0.1:PORT`),
points the AWS SDK environment at it through monkeypatch (so every variable
is restored after the test) and stops it with SIGTERM afterwards. Use
`@pytest.mark.scenario("NAME")` on a test to start it with another bundled
scenario (or a scenario file).

The environment it sets follows metamock's safety rule, so that nothing can
reach a real metadata endpoint or AWS:
  * every AWS_* variable is removed, then AWS_EC2_METADATA_SERVICE_ENDPOINT
    is the loopback URL from GET /_metamock/env?for=ec2 (with its trailing
    slash), AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE are /dev/null,
    AWS_REGION and AWS_DEFAULT_REGION are us-east-1, NO_PROXY is `*`;
  * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is never set (SDKs send it to
    169.254.170.2);
  * tests only resolve credentials: they create no client and call no AWS
    service.

metamock's stderr (one access-log line per request) is inherited, so pytest
shows it with a failing test's captured output; it is never left in an
unread pipe. Its stdout is read to the end by a thread after the first line.
"""

import json
import os
import re
import select
import shutil
import signal
import subprocess
import threading
import urllib.request

import pytest

STARTUP_TIMEOUT_S = 10
LISTENING = re.compile(r"^listening on (http://127\.0\.0\.1:\d+)$")
LOOPBACK_PREFIX = "http://127.0.0.1:"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "scenario(name): the scenario the metamock fixture loads")


def metamock_binary():
    binary = os.environ.get("METAMOCK") or shutil.which("metamock")
    if not binary:
        pytest.fail("metamock not found: set METAMOCK=/path/to/metamock or "
                    "put it on PATH", pytrace=False)
    return binary


class Metamock:
    """A running metamock and its control API (/_metamock/)."""

    def __init__(self, scenario):
        self.process = subprocess.Popen(
            [metamock_binary(), "--listen", "127.0.0.1:0",
             "--scenario", scenario],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=None)
        try:
            self.base_url = self._read_base_url()
        except BaseException:
            self.stop()
            raise
        # Keep reading stdout so that metamock can never block on it.
        self._drain = threading.Thread(target=self.process.stdout.read,
                                       daemon=True)
        self._drain.start()

    def _read_base_url(self):
        ready, _, _ = select.select([self.process.stdout], [], [],
                                    STARTUP_TIMEOUT_S)
        line = self.process.stdout.readline().decode().strip() if ready else ""
        match = LISTENING.match(line)
        if not match:
            raise RuntimeError(
                f"metamock did not print 'listening on http://127.0.0.1:PORT'"
                f" within {STARTUP_TIMEOUT_S} s (got {line!r}; its stderr "
                f"is in the captured output)")
        return match.group(1)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)   # metamock stops within 2 s
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        drain = getattr(self, "_drain", None)
        if drain is not None:
            drain.join(timeout=5)              # EOF once metamock has exited
        self.process.stdout.close()

    # --- the control API ------------------------------------------------

    def call(self, method, path, body=None):
        """`METHOD /_metamock/PATH` with a JSON body; the decoded answer.
        Only ever talks to the 127.0.0.1 port metamock printed, without a
        proxy."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base_url}/_metamock/{path}", data=data, method=method,
            headers={"Content-Type": "application/json"})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=10) as response:
            return json.load(response)

    def env(self, which="ec2"):
        """GET /_metamock/env?for=ec2|ecs|eks: the variables a client needs
        (loopback URLs only)."""
        return self.call("GET", f"env?for={which}")

    def switch(self, scenario):
        """Load another bundled scenario; the clock restarts at its start."""
        return self.call("POST", "scenario", {"name": scenario})

    def advance(self, duration):
        """Move the virtual clock forward ("6m", "61m", "6h"); timeline
        actions and rotations passed over are applied in order."""
        return self.call("POST", "clock", {"advance": duration})

    def iam(self, action, **parameters):
        """An IAM or EC2 action, such as RemoveRoleFromInstanceProfile."""
        return self.call("POST", "iam", {"Action": action, **parameters})

    def add_fault(self, rule):
        """A fault rule, such as {"match": {...}, "effect": {"status": 500}}."""
        return self.call("POST", "faults", rule)


def point_sdk_at(monkeypatch, variables):
    """Replaces the AWS_* environment with `variables` (from
    /_metamock/env) plus the safe settings; monkeypatch restores it."""
    for name in list(os.environ):
        if name.startswith("AWS_") or name.upper().endswith("_PROXY"):
            monkeypatch.delenv(name)
    for name, value in variables.items():
        if name == "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI":
            raise RuntimeError("refusing AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        if value.startswith("http") and not value.startswith(LOOPBACK_PREFIX):
            raise RuntimeError(f"refusing a non-loopback {name}: {value}")
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.setenv("no_proxy", "*")


@pytest.fixture
def metamock(request, monkeypatch):
    """A fresh metamock for one test, with the SDK environment pointing at
    its IMDS (GET /_metamock/env?for=ec2)."""
    marker = request.node.get_closest_marker("scenario")
    server = Metamock(marker.args[0] if marker else "healthy")
    try:
        ec2 = server.env("ec2")
        endpoint = ec2["AWS_EC2_METADATA_SERVICE_ENDPOINT"]
        assert endpoint.startswith(LOOPBACK_PREFIX) and endpoint.endswith("/")
        point_sdk_at(monkeypatch, ec2)
        yield server
    finally:
        server.stop()
