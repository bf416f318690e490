// Example tests: the AWS SDK for JavaScript v3 resolves credentials from
// metamock. Only the provider functions are called: no client, no signed
// request, no AWS service.
//
// Run (after `npm ci` in a copy of this directory):
//   METAMOCK=/path/to/metamock npx jest

"use strict";

const { fromContainerMetadata, fromInstanceMetadata } = require("@aws-sdk/credential-providers");
const { startMetamock } = require("./metamock");

// The IMDS provider, as an application would configure it; it reads
// AWS_EC2_METADATA_SERVICE_ENDPOINT, which pointSdkAt set.
const instanceRole = () => fromInstanceMetadata({ timeout: 1000, maxRetries: 0 })();

let metamock;

afterEach(async () => {
  if (metamock) await metamock.stop();
  metamock = undefined;
});

test("the instance role's credentials", async () => {
  metamock = await startMetamock("healthy");
  await metamock.pointSdkAt("ec2");
  const credentials = await instanceRole();
  expect(credentials.accessKeyId).toMatch(/^ASIA/);
  expect(credentials.expiration.getTime()).toBeGreaterThan(Date.now());
});

test("no credentials once the role is removed from the profile", async () => {
  metamock = await startMetamock("healthy");
  await metamock.pointSdkAt("ec2");
  // The control API: switch to another bundled scenario.
  await metamock.call("POST", "scenario", { name: "role-removed-from-profile" });
  await expect(instanceRole()).rejects.toThrow("Error response received from instance metadata service");
});

test("no credentials until the next rotation after the role is re-added", async () => {
  // role-readded: the role leaves the profile at +5m and comes back at +10m;
  // IMDS serves nothing until the rotation at +60m.
  metamock = await startMetamock("role-readded");
  await metamock.pointSdkAt("ec2");
  await metamock.call("POST", "clock", { advance: "11m" });
  await expect(instanceRole()).rejects.toThrow();
  await metamock.call("POST", "clock", { advance: "50m" });
  expect((await instanceRole()).accessKeyId).toMatch(/^ASIA/);
});

test("task credentials after an agent restart", async () => {
  metamock = await startMetamock("ecs-credentials-uninitialized");
  await metamock.pointSdkAt("ecs"); // AWS_CONTAINER_CREDENTIALS_FULL_URI on 127.0.0.1
  const task = () => fromContainerMetadata({ timeout: 1000, maxRetries: 0 })();
  // For the first 2 minutes the agent answers 503 CredentialsUninitialized.
  await expect(task()).rejects.toThrow();
  await metamock.call("POST", "clock", { advance: "2m" });
  expect((await task()).accessKeyId).toMatch(/^ASIA/);
});
