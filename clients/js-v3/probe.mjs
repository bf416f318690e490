// Resolves AWS credentials with one JavaScript SDK v3 credential provider,
// the way an application would, and prints ONE JSON line on stdout (the
// contract is clients/README.md):
//
//   {"sdk":"js-v3","version":"3.967.0","provider":"fromHttp","outcome":"credentials",
//    "access_key_prefix":"ASIA5X4M","access_key_sha256":"<hex>","role":null,
//    "expiration":"2026-11-23T12:02:26Z","error":null,"error_type":null,
//    "error_name":null,"ms":12}
//   {"sdk":"js-v3","version":"3.967.0","provider":"fromHttp","outcome":"error",
//    "access_key_prefix":null,"access_key_sha256":null,"role":null,"expiration":null,
//    "error":"Server responded with status: 503","error_type":"CredentialsProviderError",
//    "error_name":"CredentialsProviderError","ms":3021}
//
// Usage: node probe.mjs fromInstanceMetadata|fromContainerMetadata|fromHttp|fromNodeProviderChain
//
// Providers (all through @aws-sdk/credential-providers; only the provider
// function is called: no client is created, nothing is signed, no AWS service
// is contacted):
//   fromInstanceMetadata   fromInstanceMetadata({timeout: 1000, maxRetries: 0})
//                          (@smithy/credential-provider-imds; the endpoint
//                          comes from AWS_EC2_METADATA_SERVICE_ENDPOINT)
//   fromContainerMetadata  fromContainerMetadata() (@smithy/credential-provider-imds)
//   fromHttp               fromHttp() (@aws-sdk/credential-provider-http)
//   fromNodeProviderChain  fromNodeProviderChain() (the default chain:
//                          env, ini files, ..., then fromHttp/fromContainerMetadata
//                          when a container URI is set, else fromInstanceMetadata
//                          unless AWS_EC2_METADATA_DISABLED)
// The container providers read AWS_CONTAINER_CREDENTIALS_FULL_URI (and
// AWS_CONTAINER_AUTHORIZATION_TOKEN) themselves.
//
// Fields: access_key_prefix is the first 8 characters of the AccessKeyId,
// access_key_sha256 the SHA-256 of the whole AccessKeyId, so a caller can
// compare keys exactly without the key being printed; role is always null
// (no JS provider reports the role name); expiration is the credentials'
// expiration in UTC, to the second (null if none); error is the error's
// message (what the SDK's users see), error_type and error_name its name
// (error_name is kept for older callers); ms is the wall time of the
// resolution; version is @aws-sdk/credential-providers' version.
//
// Safety (DESIGN.md "Safety rule": metamock never lets a client reach a real
// metadata endpoint). Unless METAMOCK_PROBE_IN_NETNS=1 (set only by the
// namespace test, inside a namespace it created) the probe refuses to run when
//   * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set: the SDK would send it to
//     the ECS agent's link-local address;
//   * AWS_EC2_METADATA_SERVICE_ENDPOINT or AWS_CONTAINER_CREDENTIALS_FULL_URI
//     is set to anything but a URL on 127.0.0.1, localhost or [::1];
//   * the provider is fromContainerMetadata or fromHttp and
//     AWS_CONTAINER_CREDENTIALS_FULL_URI is not set;
//   * the provider is fromInstanceMetadata and AWS_EC2_METADATA_SERVICE_ENDPOINT
//     is not set (it would use the default IMDS address; unlike the chain, it
//     ignores AWS_EC2_METADATA_DISABLED);
//   * the provider is fromNodeProviderChain, AWS_EC2_METADATA_SERVICE_ENDPOINT
//     is not set and AWS_EC2_METADATA_DISABLED is not "true";
// and, inside a namespace too, when the provider is fromNodeProviderChain and
// AWS_WEB_IDENTITY_TOKEN_FILE or AWS_ROLE_ARN is set (the chain would call
// STS). Outside a namespace every TCP connection this process opens is also
// checked before it is made: only a loopback host on a port named by one of
// the two endpoint variables is allowed; anything else is refused and
// reported (exit 2).
//
// Exit status: 0 when a line was printed, whether credentials resolved or
// the provider failed (the line says which, and why), 2 bad usage or an unsafe environment (a JSON line too, with
// error_type ProbeUsageError or ProbeUnsafeEnvironment).

import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { performance } from "node:perf_hooks";
import providers from "@aws-sdk/credential-providers";

const PROVIDERS = ["fromInstanceMetadata", "fromContainerMetadata", "fromHttp", "fromNodeProviderChain"];
const CONTAINER_PROVIDERS = ["fromContainerMetadata", "fromHttp"];
const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1"];
const IMDS_ENDPOINT = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
const FULL_URI = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
const RELATIVE_URI = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
const STS_VARIABLES = ["AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"];

// How each provider is built, as an application would build it.
const BUILD = {
  fromInstanceMetadata: () => providers.fromInstanceMetadata({ timeout: 1000, maxRetries: 0 }),
  fromContainerMetadata: () => providers.fromContainerMetadata(),
  fromHttp: () => providers.fromHttp(),
  fromNodeProviderChain: () => providers.fromNodeProviderChain(),
};

// @aws-sdk/credential-providers' version, from its package.json.
function sdkVersion() {
  try {
    const require = createRequire(import.meta.url);
    let dir = path.dirname(require.resolve("@aws-sdk/credential-providers"));
    for (;;) {
      const file = path.join(dir, "package.json");
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, "utf8"));
        if (pkg.name === "@aws-sdk/credential-providers") return pkg.version ?? null;
      }
      const parent = path.dirname(dir);
      if (parent === dir) return null;
      dir = parent;
    }
  } catch {
    return null;
  }
}

function emit(fields, code) {
  const line = {
    sdk: "js-v3",
    version: sdkVersion(),
    provider: null,
    outcome: "error",
    access_key_prefix: null,
    access_key_sha256: null,
    role: null,
    expiration: null,
    error: null,
    error_type: null,
    error_name: null,
    ...fields,
  };
  process.stdout.write(JSON.stringify(line) + "\n", () => process.exit(code));
}

function refuse(provider, errorType, message) {
  process.stderr.write(`probe.mjs: ${message}\n`);
  emit({ provider, outcome: "error", error: message, error_type: errorType, error_name: errorType, ms: 0 }, 2);
}

function hostOf(hostname) {
  return String(hostname).replace(/^\[(.*)\]$/, "$1").toLowerCase();
}

// The port of a URL on a loopback host, or null if it is not one.
function loopbackPort(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !LOOPBACK_HOSTS.includes(hostOf(url.hostname))) {
    return null;
  }
  if (url.port !== "") return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

// Why the environment is unsafe (or unusable) for `provider`, or null; and
// the ports the connection guard allows.
function unsafeReason(provider, env, inNetns) {
  if (provider === "fromNodeProviderChain") {
    for (const name of STS_VARIABLES) {
      if (env[name] !== undefined) return { reason: `${name} is set: the chain would call STS (an AWS service)` };
    }
  }
  if (inNetns) return { reason: null, ports: [] };
  if (env[RELATIVE_URI] !== undefined) {
    return { reason: `${RELATIVE_URI} is set (the SDK would use the ECS agent's link-local address)` };
  }
  const ports = [];
  for (const name of [IMDS_ENDPOINT, FULL_URI]) {
    if (env[name] === undefined) continue;
    const port = loopbackPort(env[name]);
    if (port === null) {
      return { reason: `${name} must be a URL on 127.0.0.1, localhost or [::1], got ${JSON.stringify(env[name])}` };
    }
    ports.push(port);
  }
  if (CONTAINER_PROVIDERS.includes(provider) && env[FULL_URI] === undefined) {
    return { reason: `${FULL_URI} must be set to http://127.0.0.1:PORT/... for ${provider}`, usage: true };
  }
  if (provider === "fromInstanceMetadata" && env[IMDS_ENDPOINT] === undefined) {
    return { reason: `${IMDS_ENDPOINT} is not set: fromInstanceMetadata would use the default IMDS address (it ignores AWS_EC2_METADATA_DISABLED)` };
  }
  if (
    provider === "fromNodeProviderChain" &&
    env[IMDS_ENDPOINT] === undefined &&
    String(env.AWS_EC2_METADATA_DISABLED ?? "").toLowerCase() !== "true"
  ) {
    return { reason: `${IMDS_ENDPOINT} is not set and AWS_EC2_METADATA_DISABLED is not true: the chain would use the default IMDS address` };
  }
  return { reason: null, ports };
}

// Connections the guard refused, reported after the resolution.
const refusedConnections = [];

// Allows TCP connections to a loopback host on `ports` only
// (net.Socket#connect is what node:http's Agent ends up calling).
function guardConnections(ports) {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    let options = args[0];
    if (Array.isArray(options)) options = options[0];
    let host;
    let toPort;
    if (options !== null && typeof options === "object") {
      host = options.path != null ? `unix:${options.path}` : hostOf(options.host ?? "localhost");
      toPort = Number(options.port);
    } else if (typeof options === "string" && !/^\d+$/.test(options)) {
      host = `unix:${options}`;
    } else {
      toPort = Number(options);
      host = typeof args[1] === "string" ? hostOf(args[1]) : "localhost";
    }
    if (!LOOPBACK_HOSTS.includes(host) || !ports.includes(toPort)) {
      refusedConnections.push(`${host}:${toPort}`);
      throw new Error(
        `probe guard: refused a connection to ${host}:${toPort} (only loopback ports ${JSON.stringify(ports)} are allowed)`,
      );
    }
    return connect.apply(this, args);
  };
}

function refuseGuard(provider, ms) {
  const message = `refused: the SDK tried to connect to ${refusedConnections.join(", ")} (only the loopback endpoint ports are allowed)`;
  process.stderr.write(`probe.mjs: ${message}\n`);
  emit({ provider, outcome: "error", error: message, error_type: "ProbeUnsafeEnvironment", error_name: "ProbeUnsafeEnvironment", ms }, 2);
}

// "2026-11-23T12:02:26.000Z" -> "2026-11-23T12:02:26Z"
function utcText(date) {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) return null;
  return date.toISOString().replace(/\.\d+Z$/, "Z");
}

const provider = process.argv[2];
const inNetns = process.env.METAMOCK_PROBE_IN_NETNS === "1";
if (process.argv.length !== 3 || !PROVIDERS.includes(provider)) {
  refuse(provider ?? null, "ProbeUsageError", `usage: node probe.mjs ${PROVIDERS.join("|")}`);
} else {
  const { reason, ports, usage } = unsafeReason(provider, process.env, inNetns);
  if (reason !== null) {
    refuse(provider, usage ? "ProbeUsageError" : "ProbeUnsafeEnvironment", `refusing to run: ${reason}`);
  } else {
    if (!inNetns) guardConnections(ports);
    const start = performance.now();
    const elapsed = () => Math.round(performance.now() - start);
    try {
      const credentials = await BUILD[provider]()();
      const ms = elapsed();
      if (refusedConnections.length > 0) {
        refuseGuard(provider, ms);
      } else {
        const id = String(credentials.accessKeyId);
        emit(
          {
            provider,
            outcome: "credentials",
            access_key_prefix: id.slice(0, 8),
            access_key_sha256: createHash("sha256").update(id).digest("hex"),
            expiration: utcText(credentials.expiration),
            ms,
          },
          0,
        );
      }
    } catch (e) {
      const ms = elapsed();
      if (refusedConnections.length > 0) {
        refuseGuard(provider, ms);
      } else {
        const name = e instanceof Error ? e.name : typeof e;
        emit(
          {
            provider,
            outcome: "error",
            error: e instanceof Error ? e.message : String(e),
            error_type: name,
            error_name: name,
            ms,
          },
          0,
        );
      }
    }
  }
}
