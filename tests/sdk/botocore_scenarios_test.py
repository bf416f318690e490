#!/usr/bin/python3
"""botocore against a real metamock: the credential chain in several scenarios.

Run by ctest as

    /usr/bin/python3 tests/sdk/botocore_scenarios_test.py /path/to/metamock

with Debian's botocore (python3-botocore), which only /usr/bin/python3 can
import. Starts three metamock servers on 127.0.0.1:0 with the same --seed:
`healthy`, `assume-role-unauthorized`, and `role-replaced` loaded from a
temporary copy of the bundled file with its clock frozen (rate 0) at a fixed
start. Each resolution uses a fresh botocore.session.get_session(), because
a session caches the credentials it found. Checks, each printed as
`PASS name` or `FAIL name: reason`, then one summary line `N passed,
M failed` (the line CI reads):

  healthy                       the default chain resolves by method
                                `iam-role`; the access key equals the one in
                                the document fetched directly.
  assume-role-unauthorized      the document fetched directly is Code
                                AssumeRoleUnauthorizedAccess with the IAM
                                guide's Message and no keys; botocore, which
                                does not read Code but needs the keys, fetched
                                that same document and found no credentials
                                (get_credentials() is None).
  role_replaced_before_rotation the clock advanced to +10 min (the role was
                                replaced at +5 min): the listing still says
                                metamock-ec2-role, and botocore resolves that
                                OLD role's keys, as the document for
                                metamock-ec2-role has them.
  role_replaced_after_rotation  the clock advanced to +61 min (past the
                                rotation at +60 min): the listing says
                                metamock-ec2-role-v2, and a new session gets
                                the keys of the v2 document, not the old ones.
  seeded_keys_differ_by_role    access key, secret key and token from the two
                                previous checks all differ.

Exit status: 0 if every check passed, 1 if any failed (the servers not
starting fails them all), 2 for bad usage.

Why the frozen clock starts at the current minute rather than at a constant
date: keys depend on the seed, the role and the rotation, not on the start,
but botocore compares the documents' Expiration (start + 6 h in virtual
time) with the REAL clock. With a constant start, once the real date passed
that Expiration botocore would accept already-expired keys, silently moving
their expiry to 17-25 minutes from now (it logs "Attempting credential
expiration extension due to a credential service availability issue"), and
the checks would exercise that path instead of the normal one.

Safety: the rules in sdk_harness.py's docstring, which also does the
starting, stopping, guarding and reporting. Here the guard allows only the
port of the server being checked, and only while a session resolves; the
environment is rebuilt before each session, pointing botocore at that
server with AWS_METADATA_SERVICE_TIMEOUT 3 and
AWS_METADATA_SERVICE_NUM_ATTEMPTS 1; the servers are stopped together
(SIGTERM to all, one shared 5 s deadline); and a watchdog ends the checks
after OVERALL_TIMEOUT_S.
"""

import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
# pylint: disable=wrong-import-position
from sdk_harness import (CREDENTIALS_PATH, CheckFailed, RequestGuard,
                         ServerStartError, aws_time, expect, http_text,
                         imds_token, main, parse_aws_time, prepare_environment,
                         start_servers, stop_servers)

SEED = 20240229
OLD_ROLE = "metamock-ec2-role"
NEW_ROLE = "metamock-ec2-role-v2"
OVERALL_TIMEOUT_S = 60
UNAUTHORIZED_MESSAGE = (
    "EC2 cannot assume the role metamock-ec2-role.  Please see documentation "
    "at https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "troubleshoot_iam-ec2.html#troubleshoot_iam-ec2_errors-info-doc.")
KEY_FIELDS = ("AccessKeyId", "SecretAccessKey", "Token", "Expiration")
SCENARIOS_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))), "scenarios")


# --- scenario file ----------------------------------------------------------


def write_frozen_scenario(directory, name, start):
    """Copies bundled scenario `name` with clock {start, rate 0}; its path."""
    source = os.path.join(SCENARIOS_DIR, name + ".json")
    with open(source, encoding="utf-8") as f:
        # The bundled files have whole-line // comments only.
        lines = [line for line in f if not line.lstrip().startswith("//")]
    document = json.loads("".join(lines))
    document["clock"] = {"start": start, "rate": 0}
    path = os.path.join(directory, name + "-frozen.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=2)
    return path


# --- direct requests (urllib, loopback only) --------------------------------


def served_role_list(base_url):
    """The role listing (IMDSv2), e.g. 'metamock-ec2-role'."""
    auth = {"X-aws-ec2-metadata-token": imds_token(base_url)}
    return http_text(base_url, CREDENTIALS_PATH, headers=auth).strip()


def fetch_document(base_url, role):
    """The credentials document for `role` (IMDSv2), parsed."""
    auth = {"X-aws-ec2-metadata-token": imds_token(base_url)}
    text = http_text(base_url, CREDENTIALS_PATH + role, headers=auth)
    try:
        return json.loads(text)
    except ValueError as e:
        raise CheckFailed(f"document for {role} is not JSON: {text!r}") from e


def clock_now(base_url):
    state = json.loads(http_text(base_url, "_metamock/clock"))
    return parse_aws_time(state["now"])


def advance_clock_to(server, start, offset_s):
    """Advances the frozen clock to start + offset_s via {"advance": ...}."""
    target = start + offset_s
    step = target - clock_now(server.base_url)
    expect(step >= 0, f"the clock is already past {aws_time(target)}")
    body = json.dumps({"advance": f"{step}s"}).encode()
    state = json.loads(http_text(server.base_url, "_metamock/clock",
                                 method="POST", body=body,
                                 headers={"Content-Type": "application/json"}))
    expect(state.get("now") == aws_time(target),
           f"after advancing {step}s the clock says {state.get('now')!r}, "
           f"not {aws_time(target)}")


# --- botocore resolution (environment and guard from sdk_harness) ----------


def resolve(server, guard):
    """A fresh session's get_credentials() against `server`.

    Returns (credentials or None, the paths botocore requested).
    """
    import botocore.session
    prepare_environment(server.base_url, metadata_timeout=3,
                        metadata_attempts=1)
    guard.allow(server.port)
    try:
        credentials = botocore.session.get_session().get_credentials()
        paths = [(method, url[len(server.base_url):])
                 for method, url, _ in guard.requests]
    finally:
        guard.allow()
    return credentials, paths


def resolve_iam_role(server, guard, role):
    """Resolves; expects method iam-role and a fetch of `role`'s document."""
    credentials, paths = resolve(server, guard)
    expect(credentials is not None, "the default chain found no credentials")
    expect(credentials.method == "iam-role",
           f"resolved by method {credentials.method!r}, not 'iam-role'")
    expect(("GET", CREDENTIALS_PATH + role) in paths,
           f"botocore did not fetch the document for {role}: it sent {paths}")
    return credentials, credentials.get_frozen_credentials()


def expect_same_keys(frozen, document, role):
    expect(frozen.access_key == document["AccessKeyId"],
           f"botocore's access key {frozen.access_key} != {role}'s served "
           f"{document['AccessKeyId']}")
    expect(frozen.secret_key == document["SecretAccessKey"],
           f"secret key differs from {role}'s served document")
    expect(frozen.token == document["Token"],
           f"session token differs from {role}'s served document")


# --- checks -----------------------------------------------------------------


def check_healthy(server, guard):
    _, frozen = resolve_iam_role(server, guard, OLD_ROLE)
    document = fetch_document(server.base_url, OLD_ROLE)
    expect(document.get("Code") == "Success",
           f"document Code is {document.get('Code')!r}")
    expect(frozen.access_key == document["AccessKeyId"],
           f"access key {frozen.access_key} != served "
           f"{document['AccessKeyId']}")
    return f"access key {frozen.access_key}"


def check_assume_role_unauthorized(server, guard):
    document = fetch_document(server.base_url, OLD_ROLE)
    expect(document.get("Code") == "AssumeRoleUnauthorizedAccess",
           f"document Code is {document.get('Code')!r}")
    expect(document.get("Message") == UNAUTHORIZED_MESSAGE,
           f"document Message is {document.get('Message')!r}, not "
           f"{UNAUTHORIZED_MESSAGE!r}")
    present = [field for field in KEY_FIELDS if field in document]
    expect(not present, f"the error document has key fields {present}")
    credentials, paths = resolve(server, guard)
    expect(("GET", CREDENTIALS_PATH + OLD_ROLE) in paths,
           f"botocore never fetched the document (it sent {paths}), so "
           f"finding nothing would prove nothing")
    expect(credentials is None,
           f"botocore found credentials by method "
           f"{getattr(credentials, 'method', '?')!r}")
    return f"botocore sent {len(paths)} requests, found nothing"


class RoleReplaced:
    """State shared by the role-replaced checks, which run in order."""

    def __init__(self, server, guard, start):
        self.server = server
        self.guard = guard
        self.start = start
        self.before = None  # frozen credentials at +10 min
        self.after = None   # frozen credentials at +61 min
        self.old_credentials = None  # the +10 min session's credentials

    def resolve_at(self, minutes, role):
        """Advances the clock to +`minutes`; expects the listing to say
        `role` and botocore to resolve `role`'s served keys.

        Returns (credentials, frozen credentials).
        """
        base = self.server.base_url
        advance_clock_to(self.server, self.start, minutes * 60)
        listing = served_role_list(base)
        expect(listing == role,
               f"at +{minutes} min the role listing is {listing!r}, not "
               f"{role!r}")
        credentials, frozen = resolve_iam_role(self.server, self.guard, role)
        document = fetch_document(base, role)
        expect_same_keys(frozen, document, role)
        return credentials, frozen

    def check_before_rotation(self):
        credentials, frozen = self.resolve_at(10, OLD_ROLE)
        self.old_credentials = credentials
        self.before = frozen
        return f"old role's key {frozen.access_key}"

    def check_after_rotation(self):
        _, frozen = self.resolve_at(61, NEW_ROLE)
        if self.before is not None:
            expect(frozen.access_key != self.before.access_key,
                   f"a new session still gets the old key "
                   f"{frozen.access_key}")
        note = f"new role's key {frozen.access_key}"
        if self.old_credentials is not None:
            # Not a check: what a session created before the rotation holds.
            held = self.old_credentials.get_frozen_credentials().access_key
            stale = self.before is not None and held == self.before.access_key
            note += ("; the +10 min session still holds the old key"
                     if stale else "; the +10 min session refreshed")
        self.after = frozen
        return note

    def check_keys_differ(self):
        expect(self.before is not None,
               "no keys from role_replaced_before_rotation to compare")
        expect(self.after is not None,
               "no keys from role_replaced_after_rotation to compare")
        for field in ("access_key", "secret_key", "token"):
            expect(getattr(self.before, field) != getattr(self.after, field),
                   f"{field} is the same for {OLD_ROLE} and {NEW_ROLE}")


# --- runner -----------------------------------------------------------------


CHECK_NAMES = ("healthy", "assume-role-unauthorized",
               "role_replaced_before_rotation", "role_replaced_after_rotation",
               "seeded_keys_differ_by_role")


def run_checks(binary, results):
    with tempfile.TemporaryDirectory(prefix="metamock-sdk-") as directory:
        run_checks_in(binary, results, directory)


def run_checks_in(binary, results, directory):
    # The current minute: see the module docstring on why not a constant.
    start = int(time.time()) // 60 * 60
    try:
        scenario_file = write_frozen_scenario(directory, "role-replaced",
                                              aws_time(start))
        servers = start_servers(binary, [
            (f"metamock --scenario {scenario}",
             ["--scenario", scenario, "--seed", str(SEED), "--quiet"])
            for scenario in ("healthy", "assume-role-unauthorized",
                             scenario_file)])
    except (OSError, ValueError, ServerStartError) as e:
        print(f"error: {e}", file=sys.stderr, flush=True)
        results.fail_unreported(f"metamock did not start: {e}")
        return
    try:
        healthy, unauthorized, replaced = servers
        guard = RequestGuard()
        guard.install()
        results.run("healthy", check_healthy, healthy, guard)
        results.run("assume-role-unauthorized",
                    check_assume_role_unauthorized, unauthorized, guard)
        state = RoleReplaced(replaced, guard, start)
        results.run("role_replaced_before_rotation",
                    state.check_before_rotation)
        results.run("role_replaced_after_rotation", state.check_after_rotation)
        results.run("seeded_keys_differ_by_role", state.check_keys_differ)
    finally:
        stop_servers(servers)


if __name__ == "__main__":
    sys.exit(main(sys.argv, CHECK_NAMES, run_checks, OVERALL_TIMEOUT_S))
