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

Safety: the rules in sdk_harness.py's docstring, which also does the
starting, stopping, guarding and reporting. Here the guard allows only the
first server's port, the environment points botocore at the first server,
the fetcher built directly gets that server in `config` (it ignores
AWS_EC2_METADATA_SERVICE_ENDPOINT), and the servers are stopped one after
another.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
# pylint: disable=wrong-import-position
from sdk_harness import (CREDENTIALS_PATH, RequestGuard, ServerStartError,
                         expect, http_text, imds_token, main, parse_aws_time,
                         prepare_environment, start_servers, stop_servers)

SEED = 20240229
ROLE_NAME = "metamock-ec2-role"
TOKEN_LENGTH = 56


# --- direct IMDS requests (urllib, loopback only) ---------------------------


def fetch_credentials_document(base_url):
    """PUT a token, then GET the role's credentials document (IMDSv2)."""
    auth = {"X-aws-ec2-metadata-token": imds_token(base_url)}
    role = http_text(base_url, CREDENTIALS_PATH, headers=auth).strip()
    expect(role == ROLE_NAME, f"role list is {role!r}, not {ROLE_NAME!r}")
    return json.loads(http_text(base_url, CREDENTIALS_PATH + role,
                                headers=auth))


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


def run_checks(binary, results):
    try:
        servers = start_servers(
            binary, [("metamock", ["--seed", str(SEED)])] * 2, together=False)
    except ServerStartError as e:
        print(f"error: {e}", file=sys.stderr, flush=True)
        results.fail_unreported(f"metamock did not start: {e}")
        return
    try:
        first, second = servers
        prepare_environment(first.base_url)
        guard = RequestGuard()
        guard.install()
        guard.allow(first.port)
        results.run("session_chain", check_session_chain, first)
        results.run("imdsv2_used", check_imdsv2_used, first, guard)
        results.run("seed_reproducible", check_seed_reproducible, first,
                    second)
    finally:
        stop_servers(servers, together=False)


if __name__ == "__main__":
    sys.exit(main(sys.argv, CHECK_NAMES, run_checks))
