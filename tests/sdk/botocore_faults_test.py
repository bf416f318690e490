#!/usr/bin/python3
"""botocore against a real metamock: fault rules on the credential paths.

Run by ctest as

    /usr/bin/python3 tests/sdk/botocore_faults_test.py /path/to/metamock

with Debian's botocore 1.29.27 (python3-botocore, over urllib3 1.26), which
only /usr/bin/python3 can import. Starts one metamock (--scenario healthy,
--seed 11) on 127.0.0.1:0. Each check clears the fault rules and the request
journal, adds its rule with POST /_metamock/faults, lets a fresh
botocore.session.get_session().get_credentials() resolve, and then compares
four records: what botocore got back (recorded in-process for each request
it sent: status and body, or the exception), what it returned or raised,
what it logged about it (its botocore.utils and botocore.credentials lines
on answers, retries, giving up and found credentials: exactly those
expected, in order), and the journal (GET /_metamock/requests: method, path,
status, the id of the rule that fired, whether an IMDS token was sent). The
journal must list exactly the requests botocore sent, in order.

The IMDS checks use AWS_EC2_METADATA_SERVICE_ENDPOINT (the server, on
127.0.0.1), AWS_METADATA_SERVICE_TIMEOUT=1 and
AWS_METADATA_SERVICE_NUM_ATTEMPTS=1 (2 where stated). botocore's
InstanceMetadataFetcher then PUTs latest/api/token (a 403, 404 or 405, or a
read timeout, means "no token": it goes on with IMDSv1 GETs), GETs the role
list, then the role's document, each GET tried NUM_ATTEMPTS times when the
answer is not a 200 with a body (for the document also: not valid JSON) or a
timeout or broken connection; when the attempts run out the provider finds
nothing and get_credentials() returns None, raising nothing. Checks, each
printed as `PASS name (what was seen)` or `FAIL name: reason`, then one
summary line `N passed, M failed` (the line CI reads):

  imds_status_500       {"status": 500} on the role's document: PUT 200,
                        GET role list 200, GET document 500 (journal: the
                        rule's id) and get_credentials() is None. Then, with
                        NUM_ATTEMPTS=2 and a new rule with "times": 1, the
                        document is answered 500 (that rule's id), botocore
                        retries at once and gets 200 (no rule): credentials
                        by iam-role equal to the served document.
  imds_token_403        {"status": 403} on the token PUT (no endpoint in the
                        match): botocore falls back to IMDSv1; its two GETs
                        carry no token (journal: token false) and are
                        answered 200; credentials by iam-role.
  imds_delay_and_hang   {"delay": "1500ms"} on the document: botocore's read
                        times out after its 1 s (ReadTimeoutError `Read
                        timeout on endpoint URL: ...`), no credentials; the
                        journal shows the document answered 200 after
                        >= 1500 ms with the rule's id. Then {"hang": true} on
                        the token PUT: the PUT times out after ~1 s (journal:
                        no status, the rule's id), botocore goes on with
                        IMDSv1 GETs (token false) and gets credentials; this
                        is what an SDK sees when the PUT's answer is lost to
                        the hop limit.
  imds_reset_close      {"reset": true} on the role list: after the PUT, the
                        GET's connection is reset (ConnectionClosedError,
                        caused by ConnectionResetError); no credentials and
                        nothing raised; the journal shows the GET with no
                        status and the rule's id. {"close": true} likewise,
                        the cause being RemoteDisconnected (a FIN, no answer).
  imds_truncate_malformed
                        {"truncate": 20} on the document: the answer promises
                        the whole document (Content-Length) and sends 20
                        bytes; urllib3 1.26 does not enforce Content-Length,
                        so botocore gets a 200 whose body is those 20 bytes,
                        rejects it as invalid JSON, and finds no credentials.
                        {"malformed": true}: a 200 with the first half of the
                        document, rejected the same way.
  container_status_500  container path (AWS_CONTAINER_CREDENTIALS_FULL_URI
                        from /_metamock/env?for=ecs, AWS_EC2_METADATA_DISABLED
                        true): the ecs-500 preset on /v2/credentials/* with
                        "times": 3. botocore's ContainerMetadataFetcher makes
                        exactly 3 attempts (journal: 3 GETs, each 500 with
                        the rule's id), sleeping 1 s after each, and raises
                        CredentialRetrievalError `Error when retrieving
                        credentials from container-role: Error retrieving
                        metadata: Received non 200 response (500) from ECS
                        metadata: {"code":"InternalServerError",...}`; the
                        rule is then listed as fired 3 times, expired.

Exit status: 0 if every check passed, 1 if any failed (the server not
starting fails them all), 2 for bad usage.

Timing: only the delay, hang and container checks wait (about 1 s, 1 s and
3 s); a watchdog ends the run after OVERALL_TIMEOUT_S. Margins: a read
timeout must come 0.9 s to 1.45 s after the request (the delay is 1.5 s);
the journal records a delayed request only when its answer is written, so
the journal is polled (up to JOURNAL_WAIT_S) until it lists every request
botocore sent.

Safety: the rules in sdk_harness.py's docstring, which also does the
starting, stopping, guarding and reporting. Here the guard (extended below to
record what came back) allows only the server's port, and only while a
session resolves; os.environ is rebuilt before each session by
prepare_environment (the server's own URL) or prepare_container_environment
(the FULL_URI from /_metamock/env's host form, refused unless it is on the
server's own 127.0.0.1 port); only credentials are resolved, nothing is
signed; the server is stopped in a `finally`.
"""

import json
import logging
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
# pylint: disable=wrong-import-position
from sdk_harness import (CREDENTIALS_PATH, LOOPBACK, CheckFailed, RequestGuard,
                         ServerStartError, UnsafeRequest, expect, http_answer,
                         http_text, imds_token, main,
                         prepare_container_environment, prepare_environment,
                         start_servers, stop_servers)

SEED = 11
OVERALL_TIMEOUT_S = 60
ROLE_NAME = "metamock-ec2-role"
TOKEN_PATH = "/latest/api/token"
LIST_PATH = "/" + CREDENTIALS_PATH
DOC_PATH = LIST_PATH + ROLE_NAME
FULL_URI = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
TOKEN_TTL = "21600"             # botocore's token TTL header value
METADATA_TIMEOUT_S = 1          # AWS_METADATA_SERVICE_TIMEOUT
DELAY_S = 1.5                   # the delay rule, longer than the timeout
TIMEOUT_RANGE_S = (0.9, 1.45)   # when botocore's read timeout must come
TRUNCATE_BYTES = 20
JOURNAL_WAIT_S = 3.0
CONTAINER_ATTEMPTS = 3          # ContainerMetadataFetcher.RETRY_ATTEMPTS
CONTAINER_SLEEP_S = 1.0         # ContainerMetadataFetcher.SLEEP_TIME
SLEEP_SLACK_S = 0.01
ECS_500_BODY = ('{"code":"InternalServerError","message":"Internal server '
                'error","HTTPErrorCode":500}')
METADATA_ERROR = ("Error retrieving metadata: Received non 200 response "
                  "(500) from ECS metadata: " + ECS_500_BODY)
CONTAINER_ERROR = ("Error when retrieving credentials from container-role: "
                   + METADATA_ERROR)
READ_TIMEOUT_MESSAGE = 'Read timeout on endpoint URL: "{url}"'
CLOSED_MESSAGE = ('Connection was closed before we received a valid response '
                  'from endpoint URL: "{url}".')
# botocore's own log lines (botocore.utils, botocore.credentials) that tell
# what it made of an answer; the checks expect exactly these, in order.
LOG_PREFIXES = ("Metadata service returned ",
                "Caught retryable HTTP exception",
                "Max number of attempts exceeded", "Bad IMDS request",
                "Received error when attempting to retrieve container",
                "Error retrieving container metadata", "Found credentials")
NON_200_LOG = ("Metadata service returned non-200 response with status code "
               "of {status} for url: {url}, content body: {body!r}")
INVALID_JSON_LOG = ("Metadata service returned invalid json response with "
                    "status code of 200 for url: {url}")
RETRYABLE_LOG = ("Caught retryable HTTP exception while making metadata "
                 "service request to {url}: {error}")
GAVE_UP_LOG = ("Max number of attempts exceeded ({attempts}) when attempting "
               "to retrieve data from metadata service.")
FOUND_LOG = "Found credentials from IAM Role: " + ROLE_NAME
CONTAINER_RETRY_LOG = ("Received error when attempting to retrieve container "
                       "metadata: {error}")
CONTAINER_GAVE_UP_LOG = "Error retrieving container metadata: {error}"

V2_REQUESTS = [("PUT", TOKEN_PATH), ("GET", LIST_PATH), ("GET", DOC_PATH)]


# --- recording what botocore got back ----------------------------------------


class Attempt:
    """One request botocore sent, and what came back to it."""

    def __init__(self, method, url, headers):
        self.method = method
        self.path = urllib.parse.urlsplit(url).path
        self.headers = headers  # lower-case names
        self.sent = time.monotonic()
        self.answered = None
        self.status = None      # int for an answer
        self.body = None        # bytes, as botocore read them
        self.length = None      # the Content-Length header, if any
        self.error = None       # the botocore exception, if one was raised
        self.cause = None       # the exception under it (ConnectionReset...)

    def outcome(self):
        """`200`, or the exception's class name (and its cause's)."""
        if self.error is None:
            return str(self.status)
        name = type(self.error).__name__
        return name + (f"({type(self.cause).__name__})" if self.cause
                       is not None else "")

    def took(self):
        return (self.answered or time.monotonic()) - self.sent

    def describe(self):
        return f"{self.method} {self.path} -> {self.outcome()}"


def underlying_cause(error):
    """For a botocore ConnectionClosedError, the exception under the urllib3
    ProtocolError ('Connection aborted.', cause) it wraps; else None."""
    wrapped = getattr(error, "kwargs", {}).get("error")
    args = getattr(wrapped, "args", ())
    if len(args) == 2 and isinstance(args[1], BaseException):
        return args[1]
    return None


class FaultRecorder(RequestGuard):
    """The harness's guard, also recording what each admitted request got.

    `attempts` is cleared with the guard's `requests` by allow().
    """

    def __init__(self):
        super().__init__()
        self.attempts = []

    def allow(self, *ports):
        super().allow(*ports)
        del self.attempts[:]

    def admit(self, session, request):
        super().admit(session, request)  # raises for an unsafe request
        self.attempts.append(Attempt(request.method, request.url,
                                     self.requests[-1][2]))

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
                if len(recorder.attempts) > count:  # admitted, then failed
                    attempt = recorder.attempts[-1]
                    attempt.answered = time.monotonic()
                    attempt.error = e
                    attempt.cause = underlying_cause(e)
                raise
            attempt = recorder.attempts[-1]
            attempt.answered = time.monotonic()
            attempt.status = response.status_code
            attempt.body = response.content
            attempt.length = response.headers.get("Content-Length")
            return response

        session_class.send = recorded_send


class LogCapture(logging.Handler):
    """botocore's log lines (the LOG_PREFIXES ones) while it is attached."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []
        self.logger = logging.getLogger("botocore")
        self.level = None

    def emit(self, record):
        if record.name in ("botocore.utils", "botocore.credentials"):
            line = record.getMessage()
            if line.startswith(LOG_PREFIXES):
                self.lines.append(line)

    def __enter__(self):
        self.level = self.logger.level
        self.logger.setLevel(logging.DEBUG)
        self.logger.addHandler(self)
        return self

    def __exit__(self, *exc):
        self.logger.removeHandler(self)
        self.logger.setLevel(self.level)


class Resolution:
    """What one fresh session's get_credentials() did."""

    def __init__(self, credentials, frozen, error, attempts, took, logs):
        self.credentials = credentials
        self.frozen = frozen
        self.error = error
        self.attempts = attempts
        self.took = took
        self.logs = logs

    def requests(self):
        return [(a.method, a.path) for a in self.attempts]

    def outcomes(self):
        return [a.outcome() for a in self.attempts]

    def describe(self):
        seen = "; ".join(a.describe() for a in self.attempts) or "no request"
        if self.error is not None:
            result = f"raised {type(self.error).__name__}: {self.error}"
        elif self.credentials is None:
            result = "no credentials"
        else:
            result = f"credentials by {self.credentials.method}"
        return f"{seen}; {result}"


# --- the checks --------------------------------------------------------------


class FaultChecks:

    def __init__(self, server, recorder):
        self.server = server
        self.recorder = recorder
        self.base = server.base_url

    # control API

    def control(self, path, method="GET", rule=None):
        body = None if rule is None else json.dumps(rule).encode()
        headers = {} if rule is None else {"Content-Type": "application/json"}
        status, _, text = http_answer(self.base, "_metamock/" + path,
                                      method=method, headers=headers,
                                      body=body)
        try:
            answer = json.loads(text)
        except ValueError as e:
            raise CheckFailed(f"{method} /_metamock/{path}: {status} "
                              f"{text!r} is not JSON") from e
        return status, answer

    def start(self, *rules):
        """Clears the fault rules and the journal; adds `rules`; their ids."""
        for path in ("faults", "requests"):
            status, answer = self.control(path, method="DELETE")
            expect(status == 200, f"DELETE /_metamock/{path}: {status} "
                   f"{answer}")
        return [self.add_rule(rule) for rule in rules]

    def add_rule(self, rule):
        status, answer = self.control("faults", method="POST", rule=rule)
        expect(status == 201 and isinstance(answer, dict)
               and isinstance(answer.get("id"), str),
               f"POST /_metamock/faults {json.dumps(rule)}: {status} {answer}")
        return answer["id"]

    def rule_state(self, rule_id):
        _, answer = self.control("faults")
        for rule in answer.get("faults", []):
            if rule.get("id") == rule_id:
                return rule
        raise CheckFailed(f"rule {rule_id} is not listed: {answer}")

    def journal(self, result):
        """The journal's entries, polled until it lists as many requests as
        botocore sent (a delayed answer is recorded when it is written), and
        checked to be exactly those requests, in order."""
        deadline = time.monotonic() + JOURNAL_WAIT_S
        while True:
            _, answer = self.control("requests")
            entries = answer.get("requests", [])
            if len(entries) >= len(result.attempts) \
                    or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        listed = [(e.get("method"), e.get("path")) for e in entries]
        expect(listed == result.requests(),
               f"the journal lists {listed}, but botocore sent "
               f"{result.requests()}")
        for entry, attempt in zip(entries, result.attempts):
            sent_token = "x-aws-ec2-metadata-token" in attempt.headers
            expect(entry.get("token") is sent_token,
                   f"journal entry {entry.get('seq')} has token "
                   f"{entry.get('token')}, but botocore "
                   f"{'sent' if sent_token else 'did not send'} one")
        return entries

    # resolving

    def resolve(self, prepare):
        """A fresh session's get_credentials(), after `prepare()` rebuilt
        os.environ. A CredentialRetrievalError (or any other exception but
        the guard's) is returned as the error, not raised."""
        import botocore.session
        prepare()
        session = botocore.session.get_session()
        self.recorder.allow(self.server.port)
        began = time.monotonic()
        try:
            credentials = frozen = error = None
            with LogCapture() as logs:
                try:
                    credentials = session.get_credentials()
                    if credentials is not None:
                        frozen = credentials.get_frozen_credentials()
                except UnsafeRequest:
                    raise
                except Exception as e:  # pylint: disable=broad-except
                    error = e
            took = time.monotonic() - began
            attempts = list(self.recorder.attempts)
        finally:
            self.recorder.allow()
        return Resolution(credentials, frozen, error, attempts, took,
                          logs.lines)

    def resolve_imds(self, attempts=1):
        return self.resolve(lambda: prepare_environment(
            self.base, metadata_timeout=METADATA_TIMEOUT_S,
            metadata_attempts=attempts))

    def full_uri(self):
        text = http_text(self.base, "_metamock/env?for=ecs")
        try:
            env = json.loads(text)
        except ValueError as e:
            raise CheckFailed(f"/_metamock/env is not JSON: {text!r}") from e
        uri = env.get(FULL_URI) if isinstance(env, dict) else None
        expect(isinstance(uri, str), f"/_metamock/env?for=ecs has no "
               f"{FULL_URI}: {text!r}")
        parts = urllib.parse.urlsplit(uri)
        expect(parts.scheme == "http" and parts.hostname == LOOPBACK
               and parts.port == self.server.port
               and parts.path.startswith("/v2/credentials/")
               and len(parts.path) > len("/v2/credentials/")
               and not parts.query,
               f"{FULL_URI} is {uri!r}, not {self.base}v2/credentials/<id>")
        return uri

    # expectations

    def served_document(self):
        """The role's document, fetched directly (IMDSv2); (text, parsed).

        Clears the fault rules first (read their state before), and adds to
        the journal (read it before)."""
        self.start()
        auth = {"X-aws-ec2-metadata-token": imds_token(self.base)}
        text = http_text(self.base, DOC_PATH.lstrip("/"), headers=auth)
        return text, json.loads(text)

    def expect_credentials(self, result, what):
        expect(result.error is None and result.credentials is not None,
               f"{what}: wanted credentials; {result.describe()}")
        expect(result.credentials.method == "iam-role",
               f"{what}: resolved by {result.credentials.method!r}, not "
               f"iam-role")
        _, document = self.served_document()
        expect(result.frozen.access_key == document["AccessKeyId"]
               and result.frozen.secret_key == document["SecretAccessKey"]
               and result.frozen.token == document["Token"],
               f"{what}: botocore's keys ({result.frozen.access_key}) differ "
               f"from the served document ({document['AccessKeyId']})")

    @staticmethod
    def expect_nothing(result, what):
        expect(result.error is None,
               f"{what}: get_credentials() raised "
               f"{type(result.error).__name__}: {result.error}")
        expect(result.credentials is None,
               f"{what}: wanted no credentials; {result.describe()}")

    @staticmethod
    def expect_sent(result, requests, outcomes, what):
        expect(result.requests() == requests and result.outcomes() == outcomes,
               f"{what}: wanted {list(zip(requests, outcomes))}; botocore "
               f"saw {result.describe()}")

    @staticmethod
    def expect_entries(entries, statuses, faults, what):
        seen = [(e.get("status"), e.get("fault")) for e in entries]
        wanted = list(zip(statuses, faults))
        expect(seen == wanted,
               f"{what}: the journal's (status, fault) are {seen}, not "
               f"{wanted}")

    def url(self, path):
        return self.base.rstrip("/") + path

    @staticmethod
    def expect_logs(result, lines, what):
        expect(result.logs == lines,
               f"{what}: botocore logged {result.logs}, not {lines}")

    def expect_timeout(self, attempt, what):
        url = self.base.rstrip("/") + attempt.path
        message = READ_TIMEOUT_MESSAGE.format(url=url)
        expect(type(attempt.error).__name__ == "ReadTimeoutError"
               and str(attempt.error) == message,
               f"{what}: botocore got {attempt.outcome()} {attempt.error}, "
               f"not ReadTimeoutError {message!r}")
        low, high = TIMEOUT_RANGE_S
        expect(low <= attempt.took() <= high,
               f"{what}: the read timed out after {attempt.took():.3f} s, not "
               f"within {low}-{high} s (AWS_METADATA_SERVICE_TIMEOUT="
               f"{METADATA_TIMEOUT_S})")

    def expect_closed(self, attempt, cause, what):
        url = self.base.rstrip("/") + attempt.path
        message = CLOSED_MESSAGE.format(url=url)
        expect(type(attempt.error).__name__ == "ConnectionClosedError"
               and str(attempt.error) == message
               and type(attempt.cause).__name__ == cause,
               f"{what}: botocore got {attempt.outcome()} {attempt.error}, "
               f"not ConnectionClosedError({cause}) {message!r}")

    # check 1

    def check_status_500(self):
        rule = {"match": {"endpoint": "imds", "path": DOC_PATH},
                "effect": {"status": 500}}
        (always,) = self.start(rule)
        result = self.resolve_imds(attempts=1)
        self.expect_nothing(result, "1 attempt")
        self.expect_sent(result, V2_REQUESTS, ["200", "200", "500"],
                         "1 attempt")
        non_200 = NON_200_LOG.format(status=500, url=self.url(DOC_PATH),
                                     body=b"")
        self.expect_logs(result, [non_200, GAVE_UP_LOG.format(attempts=1)],
                         "1 attempt")
        entries = self.journal(result)
        self.expect_entries(entries, [200, 200, 500], [None, None, always],
                            "1 attempt")
        expect([e["token"] for e in entries] == [False, True, True],
               "1 attempt: the GETs did not carry the token")
        fired = self.rule_state(always).get("fired")
        expect(fired == 1, f"rule {always} fired {fired} times, not once")

        (once,) = self.start(dict(rule, times=1))
        retried = self.resolve_imds(attempts=2)
        requests = V2_REQUESTS + [("GET", DOC_PATH)]
        self.expect_sent(retried, requests, ["200", "200", "500", "200"],
                         "2 attempts, times 1")
        self.expect_logs(retried, [non_200, FOUND_LOG], "2 attempts, times 1")
        entries = self.journal(retried)
        self.expect_entries(entries, [200, 200, 500, 200],
                            [None, None, once, None], "2 attempts, times 1")
        state = self.rule_state(once)
        expect(state.get("fired") == 1 and state.get("expired") is True,
               f"rule {once} is {state}, not fired once and expired")
        self.expect_credentials(retried, "2 attempts, times 1")
        return (f"NUM_ATTEMPTS=1: PUT 200, GET role list 200, GET document "
                f"500 (journal: rule {always}) -> get_credentials() None, "
                f"logged 'non-200 response with status code of 500' and "
                f"'Max number of attempts exceeded (1)'; NUM_ATTEMPTS=2, "
                f"times 1: document 500 (rule {once}) then at once 200 (no "
                f"rule) -> iam-role, keys equal the served document")

    # check 2

    def check_token_403(self):
        (rule,) = self.start({"match": {"path": TOKEN_PATH},
                              "effect": {"status": 403}})
        result = self.resolve_imds()
        self.expect_sent(result, V2_REQUESTS, ["403", "200", "200"],
                         "token 403")
        self.expect_logs(result, [FOUND_LOG], "token 403")
        for attempt in result.attempts[1:]:
            expect("x-aws-ec2-metadata-token" not in attempt.headers,
                   f"botocore sent a token on {attempt.path}")
        entries = self.journal(result)
        self.expect_entries(entries, [403, 200, 200], [rule, None, None],
                            "token 403")
        expect([e["token"] for e in entries] == [False, False, False],
               f"journal token flags are {[e['token'] for e in entries]}, "
               f"not all false (IMDSv1)")
        expect(entries[0].get("ttl_header") == TOKEN_TTL,
               f"the PUT's ttl header is {entries[0].get('ttl_header')!r}")
        self.expect_credentials(result, "token 403")
        return (f"PUT {TOKEN_PATH} 403 (rule {rule}) -> IMDSv1: GET role "
                f"list and document without a token (journal token: false, "
                f"200, no rule) -> iam-role, keys equal the served document; "
                f"the 403 is not logged, only {FOUND_LOG!r}")

    # check 3

    def check_delay_and_hang(self):
        (delay,) = self.start({
            "match": {"endpoint": "imds", "path": DOC_PATH},
            "effect": {"delay": f"{int(DELAY_S * 1000)}ms"}})
        delayed = self.resolve_imds()
        # First, so that the delayed answer is recorded before anything
        # else happens (even if this check fails).
        entries = self.journal(delayed)
        self.expect_nothing(delayed, "delay")
        self.expect_sent(delayed, V2_REQUESTS,
                         ["200", "200", "ReadTimeoutError"], "delay")
        self.expect_timeout(delayed.attempts[2], "delay")
        self.expect_logs(delayed, [
            RETRYABLE_LOG.format(url=self.url(DOC_PATH),
                                 error=delayed.attempts[2].error),
            GAVE_UP_LOG.format(attempts=1)], "delay")
        self.expect_entries(entries, [200, 200, 200], [None, None, delay],
                            "delay")
        latency = entries[2].get("latency_ms")
        expect(isinstance(latency, (int, float))
               and latency >= DELAY_S * 1000 - 1,
               f"the delayed answer's latency is {latency} ms, not "
               f">= {DELAY_S * 1000:.0f}")

        (hang,) = self.start({"match": {"endpoint": "imds",
                                        "path": TOKEN_PATH},
                              "effect": {"hang": True}})
        hung = self.resolve_imds()
        self.expect_sent(hung, V2_REQUESTS, ["ReadTimeoutError", "200", "200"],
                         "hang")
        self.expect_timeout(hung.attempts[0], "hang")
        # A timed-out token PUT means "no token", silently.
        self.expect_logs(hung, [FOUND_LOG], "hang")
        entries = self.journal(hung)
        self.expect_entries(entries, [None, 200, 200], [hang, None, None],
                            "hang")
        expect([e["token"] for e in entries[1:]] == [False, False],
               "hang: the GETs after the timed-out PUT carried a token")
        self.expect_credentials(hung, "hang")
        return (f"delay {DELAY_S:.1f} s on the document (rule {delay}): "
                f"ReadTimeoutError after "
                f"{delayed.attempts[2].took():.2f} s, logged as a retryable "
                f"HTTP exception, then 'Max number of attempts exceeded "
                f"(1)', no credentials; journal: 200 after {latency:.0f} ms; "
                f"hang on the token PUT (rule {hang}, journal status null): "
                f"ReadTimeoutError after {hung.attempts[0].took():.2f} s, "
                f"not logged, then IMDSv1 GETs (token false) -> iam-role in "
                f"{hung.took:.2f} s")

    # check 4

    def check_reset_close(self):
        notes = []
        for effect, cause in (("reset", "ConnectionResetError"),
                              ("close", "RemoteDisconnected")):
            (rule,) = self.start({"match": {"endpoint": "imds",
                                            "path": LIST_PATH},
                                  "effect": {effect: True}})
            result = self.resolve_imds()
            self.expect_nothing(result, effect)
            self.expect_sent(result, V2_REQUESTS[:2],
                             ["200", "ConnectionClosedError(" + cause + ")"],
                             effect)
            self.expect_closed(result.attempts[1], cause, effect)
            self.expect_logs(result, [
                RETRYABLE_LOG.format(url=self.url(LIST_PATH),
                                     error=result.attempts[1].error),
                GAVE_UP_LOG.format(attempts=1)], effect)
            entries = self.journal(result)
            self.expect_entries(entries, [200, None], [None, rule], effect)
            notes.append(f"{effect} on the role list (rule {rule}, journal "
                         f"status null): ConnectionClosedError({cause}), "
                         f"logged as a retryable HTTP exception, then 'Max "
                         f"number of attempts exceeded (1)'; document never "
                         f"asked for, no credentials, nothing raised")
        return "; ".join(notes)

    # check 5

    def check_truncate_malformed(self):
        notes = []
        for effect in ({"truncate": TRUNCATE_BYTES}, {"malformed": True}):
            name = next(iter(effect))
            (rule,) = self.start({"match": {"endpoint": "imds",
                                            "path": DOC_PATH},
                                  "effect": effect})
            result = self.resolve_imds()
            self.expect_nothing(result, name)
            self.expect_sent(result, V2_REQUESTS, ["200", "200", "200"], name)
            self.expect_logs(result, [
                INVALID_JSON_LOG.format(url=self.url(DOC_PATH)),
                GAVE_UP_LOG.format(attempts=1)], name)
            entries = self.journal(result)
            self.expect_entries(entries, [200, 200, 200], [None, None, rule],
                                name)
            got = result.attempts[2].body
            length = result.attempts[2].length
            text, _ = self.served_document()
            served = text.encode()
            try:
                json.loads(got)
                valid = True
            except ValueError:
                valid = False
            expect(not valid, f"{name}: botocore got valid JSON {got!r}")
            if name == "truncate":
                expect(got == served[:TRUNCATE_BYTES],
                       f"truncate: botocore got {got!r}, not the document's "
                       f"first {TRUNCATE_BYTES} bytes")
                expect(length == str(len(served)),
                       f"truncate: Content-Length is {length!r}, not the "
                       f"whole document's {len(served)}")
                notes.append(f"truncate {TRUNCATE_BYTES} (rule {rule}): "
                             f"Content-Length {length}, botocore read a 200 "
                             f"with {len(got)} bytes (urllib3 raised no "
                             f"IncompleteRead), logged 'invalid json "
                             f"response', no credentials")
            else:
                half = served[:len(served) // 2]
                expect(got == half and length == str(len(half)),
                       f"malformed: botocore got {len(got)} bytes "
                       f"(Content-Length {length}), not the document's first "
                       f"half ({len(half)} of {len(served)})")
                notes.append(f"malformed (rule {rule}): a 200 with "
                             f"{len(got)} of {len(served)} bytes, logged "
                             f"'invalid json response', no credentials")
        return "; ".join(notes)

    # check 6

    def check_container_500(self):
        from botocore.exceptions import CredentialRetrievalError
        uri = self.full_uri()
        path = urllib.parse.urlsplit(uri).path
        (rule,) = self.start({"match": {"endpoint": "ecs",
                                        "path": "/v2/credentials/*"},
                              "effect": {"status": 500, "preset": "ecs-500"},
                              "times": CONTAINER_ATTEMPTS})
        result = self.resolve(lambda: prepare_container_environment(uri))
        self.expect_sent(result, [("GET", path)] * CONTAINER_ATTEMPTS,
                         ["500"] * CONTAINER_ATTEMPTS, "ecs-500")
        for i, attempt in enumerate(result.attempts, 1):
            expect(attempt.body == ECS_500_BODY.encode(),
                   f"attempt {i}'s body is {attempt.body!r}")
            accept = attempt.headers.get("accept")
            expect(accept == "application/json",
                   f"attempt {i}'s Accept is {accept!r}")
        gaps = [later.sent - earlier.answered for earlier, later
                in zip(result.attempts, result.attempts[1:])]
        expect(all(gap >= CONTAINER_SLEEP_S - SLEEP_SLACK_S for gap in gaps),
               f"retries came {[round(g, 3) for g in gaps]} s after the "
               f"previous 500, not after botocore's {CONTAINER_SLEEP_S} s "
               f"sleep")
        expect(isinstance(result.error, CredentialRetrievalError),
               f"wanted CredentialRetrievalError; {result.describe()}")
        expect(str(result.error) == CONTAINER_ERROR,
               f"the error is {str(result.error)!r}, not {CONTAINER_ERROR!r}")
        self.expect_logs(result, [
            CONTAINER_RETRY_LOG.format(error=METADATA_ERROR)]
            * CONTAINER_ATTEMPTS
            + [CONTAINER_GAVE_UP_LOG.format(error=METADATA_ERROR)], "ecs-500")
        entries = self.journal(result)
        expect(all(e.get("endpoint") == "ecs" for e in entries),
               f"journal endpoints {[e.get('endpoint') for e in entries]}")
        self.expect_entries(entries, [500] * CONTAINER_ATTEMPTS,
                            [rule] * CONTAINER_ATTEMPTS, "ecs-500")
        state = self.rule_state(rule)
        expect(state.get("fired") == CONTAINER_ATTEMPTS
               and state.get("expired") is True,
               f"rule {rule} is {state}, not fired {CONTAINER_ATTEMPTS} "
               f"times and expired")
        return (f"ecs-500 on /v2/credentials/* (rule {rule}, times "
                f"{CONTAINER_ATTEMPTS}): {CONTAINER_ATTEMPTS} GETs, each 500 "
                f"(journal: rule {rule}, then listed fired "
                f"{CONTAINER_ATTEMPTS}, expired), each logged, retried "
                f"{', '.join(f'{g:.2f}' for g in gaps)} s apart; after "
                f"{result.took:.1f} s CredentialRetrievalError: "
                f"{result.error}")


# --- runner -----------------------------------------------------------------


CHECK_NAMES = ("imds_status_500", "imds_token_403", "imds_delay_and_hang",
               "imds_reset_close", "imds_truncate_malformed",
               "container_status_500")


def run_checks(binary, results):
    try:
        servers = start_servers(binary, [
            ("metamock --scenario healthy",
             ["--scenario", "healthy", "--seed", str(SEED), "--quiet"])])
    except (OSError, ValueError, ServerStartError) as e:
        print(f"error: {e}", file=sys.stderr, flush=True)
        results.fail_unreported(f"metamock did not start: {e}")
        return
    try:
        recorder = FaultRecorder()
        recorder.install()
        checks = FaultChecks(servers[0], recorder)
        results.run("imds_status_500", checks.check_status_500)
        results.run("imds_token_403", checks.check_token_403)
        results.run("imds_delay_and_hang", checks.check_delay_and_hang)
        results.run("imds_reset_close", checks.check_reset_close)
        results.run("imds_truncate_malformed", checks.check_truncate_malformed)
        results.run("container_status_500", checks.check_container_500)
    finally:
        stop_servers(servers)


if __name__ == "__main__":
    sys.exit(main(sys.argv, CHECK_NAMES, run_checks, OVERALL_TIMEOUT_S))
