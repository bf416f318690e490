#!/usr/bin/python3
"""botocore against a real metamock: the ECS container credential path.

Run by ctest as

    /usr/bin/python3 tests/sdk/botocore_container_test.py /path/to/metamock

with Debian's botocore 1.29.27 (python3-botocore), which only
/usr/bin/python3 can import. Starts three metamock servers on 127.0.0.1:0,
all with --seed 5: `healthy`, `ecs-credentials-throttled` (the agent's
throttle at 2 requests/s, burst 4, per client IP and exact path), and
`ecs-credentials-throttled` again with ECS_TASK_METADATA_RPS_LIMIT=1,1 in
its environment (the agent's own knob, which wins over the scenario). Each
resolution uses a fresh botocore.session.get_session() in the container
environment (below), so botocore's default chain reaches its
ContainerProvider (method `container-role`), whose ContainerMetadataFetcher
tries the FULL_URI up to 3 times, sleeping 1 s after each failed attempt
(any non-200), with a 2 s timeout. Checks, each printed as `PASS name` or
`FAIL name: reason`, then one summary line `N passed, M failed` (the line
CI reads):

  container_healthy          botocore resolves by method `container-role`
                             with one GET of the FULL_URI from
                             /_metamock/env?for=ecs (Accept:
                             application/json); its keys and expiry equal
                             the document fetched directly from that URL
                             (RoleArn ...:role/ECS-task-full-access).
  container_throttled        the scenario as shipped (2/s, burst 4). Right
                             before botocore's first request is sent, four
                             direct GETs of the same path take the burst and
                             a fifth gets the 429. botocore's attempt 1 gets
                             429 `You have reached maximum request limit.`;
                             it sleeps 1 s, in which the bucket refills 2
                             tokens, so attempt 2 gets 200: credentials
                             resolved after exactly 2 attempts, no error,
                             keys equal the document the direct GETs got.
  container_throttled_error  the 1,1 server, its bucket kept empty: right
                             before each botocore attempt a direct GET takes
                             the only token (it is retried until it gets a
                             200), so the attempt, milliseconds later, gets
                             429. botocore makes exactly 3 attempts, each
                             answered 429 with that body, at least 1 s apart,
                             and raises CredentialRetrievalError `Error when
                             retrieving credentials from container-role:
                             Error retrieving metadata: Received non 200
                             response (429) from ECS metadata: You have
                             reached maximum request limit.`.
  container_relative_uri_never_set
                             no environment built for botocore, and no host
                             form served by /_metamock/env?for=ecs, holds
                             AWS_CONTAINER_CREDENTIALS_RELATIVE_URI; every
                             URL in the host forms is on the server's
                             127.0.0.1 port, and every request botocore sent
                             went to a FULL_URI.

Exit status: 0 if every check passed, 1 if any failed (the servers not
starting fails them all), 2 for bad usage.

Why the throttled checks are deterministic. The agent's throttle is a token
bucket (metamock keeps it as the generic cell rate algorithm): at rate r and
burst b a request is refused while the bucket's "full at" time lies more
than (b-1)/r ahead; a served request moves it 1/r further, a refused one
does not move it.
  * 2/s, burst 4, a fresh bucket: the four direct GETs leave "full at" 2 s
    after the first of them, so requests are refused for 0.5 s after it and
    served from then on. botocore's first attempt follows within
    milliseconds (the draining runs inside the request guard, just before
    that attempt is sent), and its second comes after a 1 s sleep, so the
    outcome 429-then-200 has a margin of about 0.5 s either way. The check
    measures the margin it relies on (the first attempt must be answered
    less than 0.5 s after the draining began) and says so if a very slow
    machine broke it, rather than reporting a wrong botocore behaviour.
  * 1/s, burst 1: a served request leaves the bucket empty for exactly the
    next 1 s, so a request sent right after one the direct GET got a 200
    for is refused; botocore's 1 s sleep always lets the next direct GET be
    served. No assumption about timing but "milliseconds < 1 s".
A background thread hammering the path would not do: it leaves a window
after each refill in which botocore could win the token.

Safety: the rules in sdk_harness.py's docstring, which also does the
starting, stopping, guarding and reporting. Here the guard (extended below
to note when each request was sent and what came back) allows only the port
of the server being checked, and only while a session resolves; the
environment is rebuilt before each session by prepare_container_environment
(every AWS_* variable and proxy removed, then only
AWS_CONTAINER_CREDENTIALS_FULL_URI, on 127.0.0.1, AWS_EC2_METADATA_DISABLED
true, config files /dev/null, region us-east-1, NO_PROXY *; never
AWS_CONTAINER_CREDENTIALS_RELATIVE_URI); the FULL_URI is taken only from
/_metamock/env's host form and refused unless it is on the server's own
127.0.0.1 port; only credentials are resolved; the servers are stopped
together in a `finally`, and a watchdog ends the checks after
OVERALL_TIMEOUT_S.
"""

import json
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
# pylint: disable=wrong-import-position
from sdk_harness import (LOOPBACK, CheckFailed, RequestGuard,
                         ServerStartError, expect, http_answer, http_text,
                         main, parse_aws_time, prepare_container_environment,
                         start_servers, stop_servers)

SEED = 5
ROLE_NAME = "ECS-task-full-access"
OVERALL_TIMEOUT_S = 50
FULL_URI = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
RELATIVE_URI = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
RATE_KNOB = "ECS_TASK_METADATA_RPS_LIMIT"
DOCUMENT_FIELDS = ("RoleArn", "AccessKeyId", "SecretAccessKey", "Token",
                   "Expiration")
THROTTLED_BODY = "You have reached maximum request limit."
THROTTLED_TYPE = "text/plain; charset=utf-8"
# ecs-credentials-throttled's own limit, and the one the third server gets.
SCENARIO_RATE, SCENARIO_BURST = 2, 4
DRAINED_LIMIT = "1,1"
BOTOCORE_ATTEMPTS = 3      # ContainerMetadataFetcher.RETRY_ATTEMPTS
BOTOCORE_SLEEP_S = 1.0     # ContainerMetadataFetcher.SLEEP_TIME
SLEEP_SLACK_S = 0.01       # clock granularity when comparing with the sleep
REFILL_S = 1.0 / SCENARIO_RATE  # 2/s, burst 4: refused this long after the
                                # first of four quick served requests
DRAIN_DEADLINE_S = 3.0     # the 1,1 drainer's wait for a served GET
ERROR_MESSAGE = (
    "Error when retrieving credentials from container-role: Error "
    "retrieving metadata: Received non 200 response (429) from ECS "
    "metadata: You have reached maximum request limit.")


# --- recording botocore's attempts -------------------------------------------


class Attempt:
    """One request botocore sent: when, and what came back."""

    def __init__(self, url):
        self.url = url
        self.sent = time.monotonic()
        self.answered = None
        self.status = None  # int, or the name of the exception raised
        self.body = None

    def describe(self):
        return f"{self.status}" + (f" {self.body!r}" if self.status != 200
                                   and self.body else "")


class AttemptRecorder(RequestGuard):
    """The harness's guard, also recording each admitted request's answer.

    `before_send`, if set, is called with the URL of each request the guard
    admitted, just before it is sent (the throttled checks drain the bucket
    there). `attempts` is cleared with the guard's `requests` by allow().
    """

    def __init__(self):
        super().__init__()
        self.before_send = None
        self.attempts = []

    def allow(self, *ports):
        super().allow(*ports)
        del self.attempts[:]

    def admit(self, session, request):
        super().admit(session, request)  # raises for an unsafe request
        if self.before_send is not None:
            self.before_send(request.url)
        self.attempts.append(Attempt(request.url))

    def install(self):
        super().install()
        import botocore.httpsession
        session_class = botocore.httpsession.URLLib3Session
        guarded_send = session_class.send
        recorder = self

        def recorded_send(session, request):
            count = len(recorder.attempts)
            try:
                response = guarded_send(session, request)
            except Exception as e:
                if len(recorder.attempts) > count:
                    recorder.attempts[-1].answered = time.monotonic()
                    recorder.attempts[-1].status = type(e).__name__
                raise
            attempt = recorder.attempts[-1]
            attempt.answered = time.monotonic()
            attempt.status = response.status_code
            attempt.body = response.content.decode("utf-8", "replace")
            return response

        session_class.send = recorded_send


class Resolution:
    """What one fresh session's get_credentials() did."""

    def __init__(self, credentials, frozen, error, attempts, requests):
        self.credentials = credentials
        self.frozen = frozen
        self.error = error
        self.attempts = attempts
        self.requests = requests

    def statuses(self):
        return [attempt.status for attempt in self.attempts]

    def describe(self):
        return ", ".join(f"attempt {i}: {a.describe()}"
                         for i, a in enumerate(self.attempts, 1)) or "none"


# --- the checks --------------------------------------------------------------


class ContainerChecks:
    """The servers, the recorder, and what the checks saw, for check 4."""

    def __init__(self, healthy, throttled, drained, recorder):
        self.healthy = healthy
        self.throttled = throttled
        self.drained = drained
        self.recorder = recorder
        self.served_envs = {}      # server label -> host form it served
        self.built_envs = []       # os.environ's AWS_* after each rebuild
        self.botocore_urls = []    # every URL botocore sent a request to

    def full_uri(self, server):
        """The FULL_URI from `server`'s /_metamock/env?for=ecs host form.

        Refused unless it is http://127.0.0.1:<the server's port>/v2/
        credentials/<id>, so nothing else is ever contacted.
        """
        if server.label not in self.served_envs:
            text = http_text(server.base_url,
                             "_metamock/env?for=ecs&where=host")
            try:
                env = json.loads(text)
            except ValueError as e:
                raise CheckFailed(f"/_metamock/env is not JSON: {text!r}") \
                    from e
            expect(isinstance(env, dict), f"/_metamock/env gave {text!r}")
            self.served_envs[server.label] = env
        env = self.served_envs[server.label]
        uri = env.get(FULL_URI)
        expect(isinstance(uri, str), f"{server.label}: /_metamock/env?for=ecs "
               f"has no {FULL_URI}: {env}")
        parts = urllib.parse.urlsplit(uri)
        expect(parts.scheme == "http" and parts.hostname == LOOPBACK
               and parts.port == server.port
               and parts.path.startswith("/v2/credentials/")
               and len(parts.path) > len("/v2/credentials/")
               and not parts.query,
               f"{server.label}: {FULL_URI} is {uri!r}, not "
               f"{server.base_url}v2/credentials/<id>")
        return uri

    def resolve(self, server, before_send=None):
        """A fresh session's get_credentials() in the container environment.

        `before_send` runs just before each request botocore sends.
        """
        import botocore.session
        from botocore.exceptions import CredentialRetrievalError
        uri = self.full_uri(server)
        prepare_container_environment(uri)
        self.built_envs.append({k: v for k, v in os.environ.items()
                                if k.startswith("AWS_")})
        session = botocore.session.get_session()
        self.recorder.allow(server.port)
        self.recorder.before_send = before_send
        try:
            credentials = frozen = error = None
            try:
                credentials = session.get_credentials()
                if credentials is not None:
                    frozen = credentials.get_frozen_credentials()
            except CredentialRetrievalError as e:
                error = e
            attempts = list(self.recorder.attempts)
            requests = list(self.recorder.requests)
        finally:
            self.recorder.before_send = None
            self.recorder.allow()
        self.botocore_urls.extend(url for _, url, _ in requests)
        expect(len(attempts) == len(requests),
               f"the guard admitted {len(requests)} requests but "
               f"{len(attempts)} were sent")
        expect(all(method == "GET" and url == uri
                   for method, url, _ in requests),
               f"botocore sent {[(m, u) for m, u, _ in requests]}, not only "
               f"GET {uri}")
        return Resolution(credentials, frozen, error, attempts, requests)

    # check 1

    def check_healthy(self):
        server = self.healthy
        uri = self.full_uri(server)
        result = self.resolve(server)
        expect(result.error is None, f"botocore raised {result.error}")
        expect(result.credentials is not None,
               f"the default chain found no credentials ({result.describe()})")
        expect(result.credentials.method == "container-role",
               f"resolved by method {result.credentials.method!r}, not "
               f"'container-role'")
        expect(result.statuses() == [200],
               f"wanted one attempt answered 200: {result.describe()}")
        headers = result.requests[0][2]
        expect(headers.get("accept") == "application/json",
               f"botocore's Accept header is {headers.get('accept')!r}")
        expect("authorization" not in headers,
               "botocore sent an Authorization header, but no token was set")
        status, answer_headers, text = http_answer(uri, "")
        expect(status == 200, f"direct GET {uri}: {status} {text!r}")
        document = parse_document(text, answer_headers)
        expect(document["RoleArn"].endswith(":role/" + ROLE_NAME),
               f"RoleArn is {document['RoleArn']!r}, not role {ROLE_NAME}")
        expect_same_credentials(result, document)
        path = urllib.parse.urlsplit(uri).path
        return (f"method container-role, 1 GET of {path} with Accept: "
                f"application/json; access key "
                f"{result.frozen.access_key}, token and expiry "
                f"{document['Expiration']} equal the served document for "
                f"{ROLE_NAME}")

    # check 2

    def check_throttled(self):
        server = self.throttled
        uri = self.full_uri(server)
        drain = []  # (status, headers, body) of the direct GETs
        drain_began = []

        def take_the_burst(url):
            if drain_began:
                return  # only before botocore's first attempt
            expect(url == uri, f"botocore requested {url}, not {uri}")
            drain_began.append(time.monotonic())
            for _ in range(SCENARIO_BURST + 1):
                drain.append(http_answer(uri, ""))

        result = self.resolve(server, before_send=take_the_burst)
        expect(drain, f"the bucket was never drained: botocore sent no "
               f"request ({result.describe()})")
        drain_statuses = [status for status, _, _ in drain]
        expect(drain_statuses == [200] * SCENARIO_BURST + [429],
               f"the direct GETs before botocore's first attempt got "
               f"{drain_statuses}, not {SCENARIO_BURST} × 200 then 429 (is "
               f"the scenario's throttle {SCENARIO_RATE}/s burst "
               f"{SCENARIO_BURST}?)")
        served_limit = drain[0][1].get("X-Rate-Limit-Limit")
        expect(served_limit == "2.00",
               f"X-Rate-Limit-Limit is {served_limit!r}, not 2.00")
        expect_throttled_answer(drain[-1], "the fifth direct GET")
        expect(result.attempts and result.attempts[0].answered is not None,
               f"botocore's first attempt got no answer ({result.describe()})")
        margin = result.attempts[0].answered - drain_began[0]
        expect(margin < REFILL_S,
               f"cannot judge: botocore's first attempt was answered "
               f"{margin:.3f} s after the draining began, but at "
               f"{SCENARIO_RATE}/s a token returns {REFILL_S} s after it "
               f"(machine too slow?); botocore saw {result.describe()}")
        expect(result.statuses() == [429, 200],
               f"wanted attempt 1: 429, attempt 2: 200 (a 1 s sleep refills "
               f"{SCENARIO_RATE} tokens); botocore saw {result.describe()}"
               + (f" and raised {result.error}" if result.error else ""))
        expect(result.attempts[0].body == THROTTLED_BODY,
               f"the 429's body is {result.attempts[0].body!r}")
        gap = result.attempts[1].sent - result.attempts[0].answered
        expect(gap >= BOTOCORE_SLEEP_S - SLEEP_SLACK_S,
               f"botocore retried {gap:.3f} s after the 429, not after its "
               f"{BOTOCORE_SLEEP_S} s sleep")
        expect(result.error is None, f"botocore raised {result.error}")
        expect(result.credentials is not None
               and result.credentials.method == "container-role",
               f"resolved {result.credentials!r}, not by container-role")
        document = parse_document(drain[0][2], drain[0][1])
        expect_same_credentials(result, document)
        return (f"4 direct GETs took the burst, a 5th got 429; botocore's "
                f"attempt 1 got 429 {THROTTLED_BODY!r} "
                f"({margin * 1000:.0f} ms after the draining began, inside "
                f"the {REFILL_S} s refill), "
                f"it slept {gap:.2f} s, attempt 2 got 200: resolved by "
                f"container-role after 2 attempts, no error, keys equal the "
                f"served document")

    # check 3

    def check_throttled_error(self):
        from botocore.exceptions import CredentialRetrievalError
        server = self.drained
        uri = self.full_uri(server)
        taken = []  # per botocore attempt: (when the direct GET that got
                    # the 200 was sent, statuses of the direct GETs before it)
        limit = []

        def take_the_token(url):
            expect(url == uri, f"botocore requested {url}, not {uri}")
            deadline = time.monotonic() + DRAIN_DEADLINE_S
            statuses = []
            while True:
                sent = time.monotonic()
                status, headers, _ = http_answer(uri, "")
                statuses.append(status)
                limit.append(headers.get("X-Rate-Limit-Limit"))
                if status == 200:
                    taken.append((sent, statuses))
                    return
                expect(status == 429, f"a direct GET got {status}")
                expect(time.monotonic() < deadline,
                       f"no direct GET was served in {DRAIN_DEADLINE_S} s: "
                       f"{statuses}")
                time.sleep(0.05)

        began = time.monotonic()
        result = self.resolve(server, before_send=take_the_token)
        took = time.monotonic() - began
        expect(limit and all(value == "1.00" for value in limit),
               f"X-Rate-Limit-Limit was {sorted(set(limit))}, not 1.00: "
               f"{RATE_KNOB}={DRAINED_LIMIT} did not win over the scenario")
        expect(len(taken) == len(result.attempts),
               f"{len(taken)} tokens taken for {len(result.attempts)} "
               f"attempts")
        for i, (attempt, (took_at, _)) in enumerate(
                zip(result.attempts, taken), 1):
            expect(attempt.answered is not None
                   and attempt.answered - took_at < 1.0,
                   f"cannot judge: attempt {i} was answered "
                   f"{(attempt.answered or 0) - took_at:.3f} s after the "
                   f"direct GET took the token, past the 1 s refill "
                   f"(machine too slow?); botocore saw {result.describe()}")
        expect(result.statuses() == [429] * BOTOCORE_ATTEMPTS,
               f"wanted {BOTOCORE_ATTEMPTS} attempts answered 429; botocore "
               f"saw {result.describe()}"
               + (f" and raised {result.error}" if result.error
                  else " and raised nothing"))
        for i, attempt in enumerate(result.attempts, 1):
            expect(attempt.body == THROTTLED_BODY,
                   f"attempt {i}'s 429 body is {attempt.body!r}")
        gaps = [later.sent - earlier.answered for earlier, later
                in zip(result.attempts, result.attempts[1:])]
        expect(all(gap >= BOTOCORE_SLEEP_S - SLEEP_SLACK_S for gap in gaps),
               f"botocore's retries came {[round(g, 3) for g in gaps]} s "
               f"after the previous 429, not after its {BOTOCORE_SLEEP_S} s "
               f"sleep")
        expect(isinstance(result.error, CredentialRetrievalError),
               f"botocore raised no CredentialRetrievalError; it resolved "
               f"{getattr(result.credentials, 'method', None)!r}")
        expect(str(result.error) == ERROR_MESSAGE,
               f"the error is {str(result.error)!r}, not {ERROR_MESSAGE!r}")
        expect(result.credentials is None, "credentials alongside the error?")
        waited = sum(len(statuses) > 1 for _, statuses in taken)
        waits = f" ({waited} had to wait for it)" if waited else ""
        return (f"{RATE_KNOB}={DRAINED_LIMIT}, a direct GET took the token "
                f"before each attempt{waits}: "
                f"3 attempts, each 429 {THROTTLED_BODY!r}, retried "
                f"{', '.join(f'{g:.2f}' for g in gaps)} s apart; after "
                f"{took:.1f} s (a 1 s sleep follows the last 429 too) "
                f"CredentialRetrievalError: {result.error}")

    # check 4

    def check_relative_uri_never_set(self):
        # One more environment, so that the check holds even if the
        # earlier checks failed before building theirs.
        prepare_container_environment(self.full_uri(self.healthy))
        self.built_envs.append({k: v for k, v in os.environ.items()
                                if k.startswith("AWS_")})
        for i, env in enumerate(self.built_envs, 1):
            expect(RELATIVE_URI not in env,
                   f"environment {i} built for botocore has {RELATIVE_URI}")
            uri = env.get(FULL_URI, "")
            expect(urllib.parse.urlsplit(uri).hostname == LOOPBACK,
                   f"environment {i} has {FULL_URI}={uri!r}")
        expect(RELATIVE_URI not in os.environ,
               f"os.environ has {RELATIVE_URI}")
        servers = (self.healthy, self.throttled, self.drained)
        for server in servers:
            self.full_uri(server)  # fetches and validates the host form
            env = self.served_envs[server.label]
            expect(RELATIVE_URI not in env,
                   f"{server.label}: the host form of /_metamock/env?for=ecs "
                   f"has {RELATIVE_URI}")
            for name, value in env.items():
                parts = urllib.parse.urlsplit(value)
                expect(parts.hostname == LOOPBACK
                       and parts.port == server.port,
                       f"{server.label}: the host form's {name}={value!r} is "
                       f"not on {server.base_url}")
        served_uris = {env[FULL_URI] for env in self.served_envs.values()}
        stray = [url for url in self.botocore_urls if url not in served_uris]
        expect(not stray, f"botocore sent requests to {stray}")
        return (f"{len(self.built_envs)} environments built, {len(servers)} "
                f"host forms served: none has {RELATIVE_URI}; botocore sent "
                f"{len(self.botocore_urls)} requests, all to a served "
                f"{FULL_URI}")


def parse_document(text, headers):
    """The credential document: compact JSON with exactly DOCUMENT_FIELDS."""
    expect(headers.get("Content-Type") == "application/json",
           f"the document's Content-Type is {headers.get('Content-Type')!r}")
    try:
        document = json.loads(text)
    except ValueError as e:
        raise CheckFailed(f"the credential document is not JSON: {text!r}") \
            from e
    expect(isinstance(document, dict)
           and tuple(document) == DOCUMENT_FIELDS,
           f"the document's fields are "
           f"{list(document) if isinstance(document, dict) else document!r}, "
           f"not {list(DOCUMENT_FIELDS)}")
    expect(text == json.dumps(document, separators=(",", ":")),
           f"the document is not compact JSON: {text!r}")
    return document


def expect_same_credentials(result, document):
    frozen = result.frozen
    expect(frozen.access_key == document["AccessKeyId"],
           f"botocore's access key {frozen.access_key} != served "
           f"{document['AccessKeyId']}")
    expect(frozen.secret_key == document["SecretAccessKey"],
           "botocore's secret key differs from the served document")
    expect(frozen.token == document["Token"],
           "botocore's session token differs from the served document")
    # botocore keeps the parsed Expiration only in a private attribute.
    expiry = getattr(result.credentials, "_expiry_time", None)
    served = parse_aws_time(document["Expiration"])
    expect(expiry is not None and int(expiry.timestamp()) == served,
           f"botocore's expiry {expiry} != served {document['Expiration']}")


def expect_throttled_answer(answer, what):
    status, headers, body = answer
    expect(status == 429 and body == THROTTLED_BODY
           and headers.get("Content-Type") == THROTTLED_TYPE,
           f"{what} got {status} {headers.get('Content-Type')!r} {body!r}, "
           f"not 429 {THROTTLED_TYPE!r} {THROTTLED_BODY!r}")


# --- runner -----------------------------------------------------------------


CHECK_NAMES = ("container_healthy", "container_throttled",
               "container_throttled_error",
               "container_relative_uri_never_set")


def run_checks(binary, results):
    common = ["--seed", str(SEED), "--quiet"]
    try:
        servers = start_servers(binary, [
            ("metamock --scenario healthy", ["--scenario", "healthy", *common],
             {RATE_KNOB: None}),
            ("metamock --scenario ecs-credentials-throttled",
             ["--scenario", "ecs-credentials-throttled", *common],
             {RATE_KNOB: None}),
            (f"metamock --scenario ecs-credentials-throttled "
             f"({RATE_KNOB}={DRAINED_LIMIT})",
             ["--scenario", "ecs-credentials-throttled", *common],
             {RATE_KNOB: DRAINED_LIMIT}),
        ])
    except (OSError, ValueError, ServerStartError) as e:
        print(f"error: {e}", file=sys.stderr, flush=True)
        results.fail_unreported(f"metamock did not start: {e}")
        return
    try:
        recorder = AttemptRecorder()
        recorder.install()
        checks = ContainerChecks(*servers, recorder)
        results.run("container_healthy", checks.check_healthy)
        results.run("container_throttled", checks.check_throttled)
        results.run("container_throttled_error", checks.check_throttled_error)
        results.run("container_relative_uri_never_set",
                    checks.check_relative_uri_never_set)
    finally:
        stop_servers(servers)


if __name__ == "__main__":
    sys.exit(main(sys.argv, CHECK_NAMES, run_checks, OVERALL_TIMEOUT_S))
