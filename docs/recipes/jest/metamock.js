// Runs metamock for Jest tests and points the AWS SDK for JavaScript v3 at it.
// Copy this file next to your tests.
//
//   const { startMetamock } = require("./metamock");
//   const m = await startMetamock("healthy");   // binary: $METAMOCK or PATH
//   await m.pointSdkAt("ec2");                   // process.env, loopback only
//   await m.call("POST", "clock", { advance: "61m" });
//   await m.stop();                              // SIGTERM; restores process.env
//
// startMetamock runs `metamock --listen 127.0.0.1:0 --scenario NAME` and reads
// the port from its first stdout line (`listening on http://127.0.0.1:PORT`).
//
// pointSdkAt follows metamock's safety rule, so that nothing can reach a real
// metadata endpoint or AWS: every AWS_* variable is removed, then only the
// loopback URLs of GET /_metamock/env are set (AWS_EC2_METADATA_SERVICE_ENDPOINT
// with its trailing slash, or AWS_CONTAINER_CREDENTIALS_FULL_URI; never
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI), AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE are /dev/null, the region is us-east-1, and
// for the container paths AWS_EC2_METADATA_DISABLED=true. Tests only call a
// credential provider: no client, no signed request, no AWS service.
//
// metamock's stderr (one access-log line per request) is inherited, never
// left in an unread pipe; its stdout is read to the end.

"use strict";

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");
const readline = require("node:readline");

const STARTUP_TIMEOUT_MS = 10000;
const LISTENING = /^listening on (http:\/\/127\.0\.0\.1:(\d+))$/;
const LOOPBACK_PREFIX = "http://127.0.0.1:";

function metamockBinary() {
  if (process.env.METAMOCK) return process.env.METAMOCK;
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    const candidate = path.join(dir || ".", "metamock");
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error("metamock not found: set METAMOCK=/path/to/metamock or put it on PATH");
}

class Metamock {
  constructor(child, baseUrl, port) {
    this.child = child;
    this.baseUrl = baseUrl;
    this.port = port;
    this.savedEnv = null;
  }

  // METHOD /_metamock/PATH with `body` as JSON; resolves to the decoded answer.
  // Only ever talks to 127.0.0.1:PORT (node:http, no proxy, no redirects).
  call(method, what, body) {
    const data = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: "127.0.0.1",
          port: this.port,
          method,
          path: `/_metamock/${what}`,
          headers: data ? { "Content-Type": "application/json" } : {},
          timeout: 10000,
        },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk) => (text += chunk));
          response.on("end", () => {
            if (response.statusCode !== 200) {
              reject(new Error(`${method} /_metamock/${what}: ${response.statusCode} ${text}`));
              return;
            }
            try {
              resolve(JSON.parse(text));
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      request.on("timeout", () => request.destroy(new Error(`${method} /_metamock/${what}: timeout`)));
      request.on("error", reject);
      request.end(data);
    });
  }

  // Replaces the AWS_* variables of process.env with those of
  // GET /_metamock/env?for=WHICH (ec2, ecs or eks) and the safe settings.
  async pointSdkAt(which) {
    const variables = await this.call("GET", `env?for=${which}`);
    if (this.savedEnv === null) this.savedEnv = { ...process.env };
    for (const name of Object.keys(process.env)) {
      if (name.startsWith("AWS_") || name.toUpperCase().endsWith("_PROXY")) delete process.env[name];
    }
    for (const [name, value] of Object.entries(variables)) {
      if (name === "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
        throw new Error("refusing AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: SDKs send it to 169.254.170.2");
      }
      if (value.startsWith("http") && !value.startsWith(LOOPBACK_PREFIX)) {
        throw new Error(`refusing a non-loopback ${name}: ${value}`);
      }
      process.env[name] = value;
    }
    if (which !== "ec2") process.env.AWS_EC2_METADATA_DISABLED = "true";
    process.env.AWS_CONFIG_FILE = "/dev/null";
    process.env.AWS_SHARED_CREDENTIALS_FILE = "/dev/null";
    process.env.AWS_REGION = "us-east-1";
    process.env.AWS_DEFAULT_REGION = "us-east-1";
    process.env.NO_PROXY = "*";
  }

  // Stops metamock (SIGTERM; it exits within 2 s) and restores process.env.
  stop() {
    if (this.savedEnv !== null) {
      for (const name of Object.keys(process.env)) delete process.env[name];
      Object.assign(process.env, this.savedEnv);
      this.savedEnv = null;
    }
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const killer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
      this.child.once("exit", () => {
        clearTimeout(killer);
        resolve();
      });
      this.child.kill("SIGTERM");
    });
  }
}

// Starts metamock with a bundled scenario (or a scenario file).
function startMetamock(scenario = "healthy") {
  const child = spawn(metamockBinary(), ["--listen", "127.0.0.1:0", "--scenario", scenario], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    const fail = (error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`metamock printed no 'listening on' line within ${STARTUP_TIMEOUT_MS} ms`)),
      STARTUP_TIMEOUT_MS,
    );
    const exited = (code) => fail(new Error(`metamock exited (${code}) before listening`));
    child.once("error", fail);
    child.once("exit", exited);
    // The interface keeps reading stdout after the first line.
    lines.once("line", (line) => {
      clearTimeout(timer);
      child.removeListener("exit", exited);
      const match = LISTENING.exec(line);
      if (!match) {
        fail(new Error(`metamock's first line is ${JSON.stringify(line)}, not 'listening on http://127.0.0.1:PORT'`));
        return;
      }
      resolve(new Metamock(child, match[1], Number(match[2])));
    });
  });
}

module.exports = { startMetamock };
