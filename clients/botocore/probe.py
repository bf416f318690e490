#!/usr/bin/python3
"""Resolves AWS credentials with botocore, the way an application would,
and prints ONE JSON line on stdout (the contract is clients/README.md):

  {"sdk":"botocore","version":"1.29.27","provider":"imds","outcome":"credentials",
   "access_key_prefix":"ASIAABCD","access_key_sha256":"<hex>","role":"test-role",
   "expiration":"2026-11-23T16:00:00Z","error":null,"error_type":null,
   "method":"iam-role","ms":12}

Usage: /usr/bin/python3 clients/botocore/probe.py chain|imds|container

Run it with /usr/bin/python3: only Debian's interpreter sees python3-botocore
(the python3 on PATH may be another interpreter with another botocore).

Providers (only the provider's retrieve is called: no client is created,
nothing is signed, no AWS service is contacted):
  chain      botocore.session.get_session().get_credentials(), which reads
             every setting from the environment as boto3 and the CLI do. None
             (nothing found) is reported as the error the CLI and boto3 users
             see: "Unable to locate credentials" (NoCredentialsError).
  imds       InstanceMetadataProvider(iam_role_fetcher=InstanceMetadataFetcher(
             timeout, num_attempts, config={"ec2_metadata_service_endpoint":
             $AWS_EC2_METADATA_SERVICE_ENDPOINT})). A fetcher built directly
             ignores the endpoint variable, so it is passed in config;
             timeout and attempts come from AWS_METADATA_SERVICE_TIMEOUT and
             AWS_METADATA_SERVICE_NUM_ATTEMPTS (default 1 and 1).
  container  ContainerProvider().load() (it reads
             AWS_CONTAINER_CREDENTIALS_FULL_URI and
             AWS_CONTAINER_AUTHORIZATION_TOKEN itself).

Fields: access_key_prefix is the first 8 characters of the AccessKeyId,
access_key_sha256 the SHA-256 of the whole AccessKeyId (the key itself is
never printed); role is the role name InstanceMetadataFetcher returned (IMDS
credentials only, else null); expiration is the credentials' expiry in UTC
(null if they have none); error is str() of the exception (or botocore's
"Unable to locate credentials" when nothing was found) and error_type its
class name; method is botocore's name for where the credentials came from
("iam-role", "container-role", ...); ms is the wall time of the resolution.

Exit status: 0 when a credentials or error line was printed, 2 for bad usage
or an unsafe environment (a JSON line with outcome "error" and error_type
ProbeUsageError or ProbeUnsafeEnvironment, and the message on stderr) or when
botocore tried to connect somewhere the guard below does not allow.

Safety (DESIGN.md "Safety rule"; the caller prepares the environment, the
probe checks it). Unless METAMOCK_PROBE_IN_NETNS=1 (set only by the
namespace test, inside a namespace it created) the probe refuses to run when
  * AWS_EC2_METADATA_SERVICE_ENDPOINT or AWS_CONTAINER_CREDENTIALS_FULL_URI is
    set to anything but a URL on 127.0.0.1, localhost or [::1];
  * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set (botocore would send it to
    the ECS agent's link-local address);
  * the provider is chain or imds, AWS_EC2_METADATA_SERVICE_ENDPOINT is not
    set and AWS_EC2_METADATA_DISABLED is not "true" (botocore would use the
    default IMDS address);
  * a proxy variable is set without NO_PROXY=* (the request would leave
    through the proxy);
and, inside a namespace too, when the provider is chain and
AWS_WEB_IDENTITY_TOKEN_FILE or AWS_ROLE_ARN is set (the chain would call STS).
Outside a namespace every socket connection is also checked before it is
made: only a loopback address on a port named by one of the two endpoint
variables is allowed; anything else is refused and reported (exit 2).
"""

import datetime
import hashlib
import importlib
import ipaddress
import json
import os
import socket
import sys
import time
import urllib.parse

PROVIDERS = ("chain", "imds", "container")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
ENDPOINT_VARIABLES = ("AWS_EC2_METADATA_SERVICE_ENDPOINT",
                      "AWS_CONTAINER_CREDENTIALS_FULL_URI")
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
STS_VARIABLES = ("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN")


def botocore_version():
    try:
        import botocore
        return botocore.__version__
    except Exception:  # reported by the resolution itself
        return None


def emit(provider, outcome, status, **fields):
    line = {
        "sdk": "botocore",
        "version": botocore_version(),
        "provider": provider,
        "outcome": outcome,
        "access_key_prefix": None,
        "access_key_sha256": None,
        "role": None,
        "expiration": None,
        "error": None,
        "error_type": None,
        "method": None,
    }
    line.update(fields)
    sys.stdout.write(json.dumps(line, separators=(",", ":")) + "\n")
    sys.stdout.flush()
    sys.exit(status)


def refuse(provider, error_type, message):
    print(f"probe.py: {message}", file=sys.stderr)
    emit(provider, "error", 2, error=message, error_type=error_type, ms=0)


# --- the environment check ---------------------------------------------------


def loopback_port(value):
    """The port of a URL on a loopback host, or None if it is not one."""
    try:
        url = urllib.parse.urlsplit(value)
        port = url.port
    except ValueError:
        return None
    if url.scheme not in ("http", "https") or url.hostname not in LOOPBACK_HOSTS:
        return None
    if port is None:
        port = 443 if url.scheme == "https" else 80
    return port


def unsafe_reason(provider, env, in_netns):
    """Why the environment is unsafe for `provider`, or None.

    Also returns the ports the connection guard allows."""
    if provider == "chain":
        for name in STS_VARIABLES:
            if name in env:
                return (f"{name} is set: the chain would call STS "
                        "(an AWS service)"), ()
    if in_netns:
        return None, ()
    if "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" in env:
        return ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set (botocore "
                "would use the ECS agent's link-local address)"), ()
    ports = []
    for name in ENDPOINT_VARIABLES:
        if name in env:
            port = loopback_port(env[name])
            if port is None:
                return (f"{name} must be a URL on 127.0.0.1, localhost or "
                        f"[::1], got {env[name]!r}"), ()
            ports.append(port)
    if (provider in ("chain", "imds")
            and "AWS_EC2_METADATA_SERVICE_ENDPOINT" not in env
            and env.get("AWS_EC2_METADATA_DISABLED", "").lower() != "true"):
        return ("AWS_EC2_METADATA_SERVICE_ENDPOINT is not set and "
                "AWS_EC2_METADATA_DISABLED is not true: botocore would use "
                "the default IMDS address"), ()
    for name in PROXY_VARIABLES:
        for variant in (name, name.lower()):
            if env.get(variant) and "*" not in (env.get("NO_PROXY"),
                                                env.get("no_proxy")):
                return (f"{variant} is set without NO_PROXY=*: requests "
                        "would go through the proxy"), ()
    return None, tuple(ports)


# Connections the guard refused, reported after the resolution.
REFUSED_CONNECTIONS = []


def guard_connections(ports):
    """Allows socket connections only to a loopback address on `ports`."""
    connect = socket.socket.connect
    connect_ex = socket.socket.connect_ex

    def check(sock, address):
        allowed = False
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                allowed = (ipaddress.ip_address(address[0]).is_loopback
                           and address[1] in ports)
            except (ValueError, TypeError, IndexError):
                allowed = False
        if not allowed:
            REFUSED_CONNECTIONS.append(repr(address))
            raise ConnectionRefusedError(
                f"probe guard: refused a connection to {address!r} (only "
                f"loopback ports {sorted(set(ports))} are allowed)")

    def guarded_connect(sock, address):
        check(sock, address)
        return connect(sock, address)

    def guarded_connect_ex(sock, address):
        check(sock, address)
        return connect_ex(sock, address)

    socket.socket.connect = guarded_connect
    socket.socket.connect_ex = guarded_connect_ex


# --- resolution --------------------------------------------------------------

# The role name of the last IMDS credentials InstanceMetadataFetcher returned
# (its retrieve_iam_role_credentials result carries it; the credentials
# object does not).
LAST_ROLE = {"name": None}


def record_role_names():
    from botocore.utils import InstanceMetadataFetcher
    retrieve = InstanceMetadataFetcher.retrieve_iam_role_credentials

    def recording_retrieve(self):
        result = retrieve(self)
        if isinstance(result, dict) and result.get("role_name"):
            LAST_ROLE["name"] = result["role_name"]
        return result

    InstanceMetadataFetcher.retrieve_iam_role_credentials = recording_retrieve


def env_number(name, default, kind):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return kind(value)


def resolve(provider):
    """The provider's credentials object, or None when it found none."""
    if provider == "chain":
        import botocore.session
        return botocore.session.get_session().get_credentials()
    if provider == "imds":
        from botocore.credentials import InstanceMetadataProvider
        from botocore.utils import InstanceMetadataFetcher
        config = {}
        endpoint = os.environ.get("AWS_EC2_METADATA_SERVICE_ENDPOINT")
        if endpoint:
            config["ec2_metadata_service_endpoint"] = endpoint
        fetcher = InstanceMetadataFetcher(
            timeout=env_number("AWS_METADATA_SERVICE_TIMEOUT", 1, float),
            num_attempts=env_number("AWS_METADATA_SERVICE_NUM_ATTEMPTS", 1, int),
            config=config)
        return InstanceMetadataProvider(iam_role_fetcher=fetcher).load()
    from botocore.credentials import ContainerProvider
    return ContainerProvider().load()


def utc_text(value):
    if not isinstance(value, datetime.datetime):
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def main(argv):
    provider = argv[1] if len(argv) == 2 else None
    if provider not in PROVIDERS:
        refuse(provider, "ProbeUsageError",
               f"usage: /usr/bin/python3 probe.py {'|'.join(PROVIDERS)}")
    in_netns = os.environ.get("METAMOCK_PROBE_IN_NETNS") == "1"
    reason, ports = unsafe_reason(provider, os.environ, in_netns)
    if reason is not None:
        refuse(provider, "ProbeUnsafeEnvironment", "refusing to run: " + reason)
    if not in_netns:
        guard_connections(ports)

    try:
        # Imported before the clock starts: ms is the resolution alone.
        for module in ("botocore.credentials", "botocore.exceptions",
                       "botocore.session", "botocore.utils"):
            importlib.import_module(module)
        record_role_names()
    except Exception as e:
        emit(provider, "error", 0, error=str(e), error_type=type(e).__name__,
             ms=0)
    start = time.monotonic()
    elapsed = lambda: round((time.monotonic() - start) * 1000)
    try:
        credentials = resolve(provider)
        frozen = None
        if credentials is not None:
            # What a client signing a request would use (this may refresh).
            frozen = credentials.get_frozen_credentials()
    except Exception as e:  # the SDK's error, as its users see it
        ms = elapsed()
        if REFUSED_CONNECTIONS:
            refuse_guard(provider, ms)
        emit(provider, "error", 0, error=str(e), error_type=type(e).__name__, ms=ms)
    ms = elapsed()
    if REFUSED_CONNECTIONS:
        refuse_guard(provider, ms)
    if credentials is None or frozen is None or not frozen.access_key:
        from botocore.exceptions import NoCredentialsError
        error = NoCredentialsError()
        emit(provider, "error", 0, error=str(error),
             error_type=type(error).__name__, ms=ms)
    key = str(frozen.access_key)
    method = getattr(credentials, "method", None)
    emit(provider, "credentials", 0,
         access_key_prefix=key[:8],
         access_key_sha256=hashlib.sha256(key.encode()).hexdigest(),
         role=LAST_ROLE["name"] if method == "iam-role" else None,
         expiration=utc_text(getattr(credentials, "_expiry_time", None)),
         method=method, ms=ms)


def refuse_guard(provider, ms):
    message = ("refused: botocore tried to connect to "
               + ", ".join(REFUSED_CONNECTIONS)
               + " (only the loopback endpoint ports are allowed)")
    print(f"probe.py: {message}", file=sys.stderr)
    emit(provider, "error", 2, error=message,
         error_type="ProbeUnsafeEnvironment", ms=ms)


if __name__ == "__main__":
    main(sys.argv)
