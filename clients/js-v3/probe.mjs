// Resolves AWS credentials with one JavaScript SDK v3 container provider,
// the way an application would, and prints ONE JSON line on stdout:
//
//   {"sdk":"js-v3","provider":"fromHttp","outcome":"credentials",
//    "access_key_prefix":"ASIA5X4M","access_key_sha256":"<hex>",
//    "expiration":"2026-11-23T12:02:26.000Z","ms":12}
//   {"sdk":"js-v3","provider":"fromHttp","outcome":"error",
//    "error":"CredentialsProviderError: Server responded with status: 503",
//    "error_name":"CredentialsProviderError","ms":3021}
//
// Usage: node probe.mjs fromContainerMetadata|fromHttp
//
// The endpoint comes from the environment, as the SDK reads it:
// AWS_CONTAINER_CREDENTIALS_FULL_URI. Only the provider function is called:
// no client is created, nothing is signed, no AWS service is contacted.
// access_key_prefix is the first 8 characters of the AccessKeyId and
// access_key_sha256 the SHA-256 of the whole AccessKeyId, so a caller can
// compare keys exactly without the key being printed.
//
// Safety (metamock never lets a client reach a real metadata endpoint):
//   * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must not be set: the SDK would
//     send it to the ECS agent's link-local address.
//   * AWS_CONTAINER_CREDENTIALS_FULL_URI must be http://127.0.0.1:PORT/...
//   * Every TCP connection this process opens is checked before it is made:
//     only 127.0.0.1 on that PORT is allowed; anything else is refused.
//
// Exit status: 0 credentials resolved, 1 the provider failed (the JSON line
// says why), 2 bad usage or an unsafe environment (a JSON line too).

import { createHash } from "node:crypto";
import net from "node:net";
import { performance } from "node:perf_hooks";
import providers from "@aws-sdk/credential-providers";

const PROVIDERS = ["fromContainerMetadata", "fromHttp"];
const LOOPBACK = "127.0.0.1";

function emit(fields, code) {
  process.stdout.write(JSON.stringify({ sdk: "js-v3", ...fields }) + "\n", () =>
    process.exit(code),
  );
}

function refuse(provider, message) {
  emit({ provider, outcome: "error", error: message, error_name: "ProbeUsageError", ms: 0 }, 2);
}

// Allows connections to 127.0.0.1:port only (net.Socket#connect is what
// node:http's Agent ends up calling for both providers).
function guardConnections(port) {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    let options = args[0];
    if (Array.isArray(options)) options = options[0];
    let host;
    let toPort;
    if (options !== null && typeof options === "object") {
      host = options.path != null ? `unix:${options.path}` : (options.host ?? "localhost");
      toPort = Number(options.port);
    } else if (typeof options === "string" && !/^\d+$/.test(options)) {
      host = `unix:${options}`;
    } else {
      toPort = Number(options);
      host = typeof args[1] === "string" ? args[1] : "localhost";
    }
    if (host !== LOOPBACK || toPort !== port) {
      throw new Error(`probe guard: refused a connection to ${host}:${toPort} (only ${LOOPBACK}:${port} is allowed)`);
    }
    return connect.apply(this, args);
  };
}

const provider = process.argv[2];
if (process.argv.length !== 3 || !PROVIDERS.includes(provider)) {
  process.stderr.write(`usage: node probe.mjs ${PROVIDERS.join("|")}\n`);
  refuse(provider ?? null, `usage: node probe.mjs ${PROVIDERS.join("|")}`);
} else if (process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI !== undefined) {
  refuse(provider, "refusing to run: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set (the SDK would use the ECS agent's link-local address)");
} else {
  let url = null;
  try {
    url = new URL(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? "");
  } catch {
    url = null;
  }
  if (url === null || url.protocol !== "http:" || url.hostname !== LOOPBACK || url.port === "") {
    refuse(provider, `refusing to run: AWS_CONTAINER_CREDENTIALS_FULL_URI must be http://${LOOPBACK}:PORT/..., got ${JSON.stringify(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? null)}`);
  } else {
    guardConnections(Number(url.port));
    const start = performance.now();
    const elapsed = () => Math.round(performance.now() - start);
    try {
      // As an application would: build the provider with defaults, call it.
      const credentials = await providers[provider]()();
      const id = String(credentials.accessKeyId);
      emit(
        {
          provider,
          outcome: "credentials",
          access_key_prefix: id.slice(0, 8),
          access_key_sha256: createHash("sha256").update(id).digest("hex"),
          expiration: credentials.expiration instanceof Date ? credentials.expiration.toISOString() : null,
          ms: elapsed(),
        },
        0,
      );
    } catch (e) {
      emit(
        {
          provider,
          outcome: "error",
          error: e instanceof Error ? e.message : String(e),
          error_name: e instanceof Error ? e.name : typeof e,
          ms: elapsed(),
        },
        1,
      );
    }
  }
}
