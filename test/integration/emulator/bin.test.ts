import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EmulatorClient } from "../../support/emulatorClient";
import { type EmulatorProcess, startEmulatorProcess, stopEmulatorProcess } from "../../support/testEmulator";
import { iosProfile } from "./helpers";

const ROOT = path.resolve(__dirname, "../../..");

describe("emulator integration: the bin and --state", function () {
  // Each start is a ts-node process: seconds on a loaded 2-core machine.
  this.timeout(90_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "emulator-bin-test-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("with --state", () => {
    let state: string;
    let first: EmulatorProcess;
    before(async () => {
      state = path.join(dir, "tenant.json");
      first = await startEmulatorProcess(["--port", "0", "--state", state]);
    });
    after(async () => {
      await stopEmulatorProcess(first.child);
    });

    // Tools read the first line of stdout as the connection info: one line of JSON, nothing else, ever.
    it("has a bin shebang and prints exactly one JSON line of connection info, then serves", async () => {
      assert.ok(fs.readFileSync(path.join(ROOT, "emulator/bin.ts"), "utf8").startsWith("#!/usr/bin/env node\n"));
      const client = new EmulatorClient(first.info);
      assert.strictEqual((await client.graph("GET", "/deviceManagement/roleScopeTags")).status, 200);
      assert.strictEqual(first.stdout(), `${JSON.stringify(first.info)}\n`);
      assert.deepStrictEqual(Object.keys(first.info).sort(), ["authorityHost", "caCertPath", "clientId", "clientSecret", "graphEndpoint", "tenantId"]);
      assert.match(first.info.graphEndpoint, /^https:\/\/127\.0\.0\.1:[1-9]\d*$/);
    });

    it("lets the real ClientSecretCredential in a separate process get a token, trusting the CA via NODE_EXTRA_CA_CERTS", async () => {
      const info = first.info;
      assert.deepStrictEqual(Object.keys(info).sort(), ["authorityHost", "caCertPath", "clientId", "clientSecret", "graphEndpoint", "tenantId"]);
      const script = `
        const { ClientSecretCredential } = require("@azure/identity");
        const i = JSON.parse(process.env.INFO);
        new ClientSecretCredential(i.tenantId, i.clientId, i.clientSecret, { authorityHost: i.authorityHost, disableInstanceDiscovery: true })
          .getToken(i.graphEndpoint + "/.default").then((t) => console.log(t.token.split(".").length), (e) => { console.error(e.message); process.exit(1); });`;
      const out = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ["-e", script], { cwd: ROOT, env: { ...process.env, NODE_EXTRA_CA_CERTS: info.caCertPath, INFO: JSON.stringify(info) } }, (e, stdout, stderr) =>
          e ? reject(new Error(stderr)) : resolve(stdout),
        ),
      );
      assert.strictEqual(out.trim(), "3");
    });

    it("keeps state, credentials and CA across a SIGTERM and restart", async () => {
      const info = first.info;
      const client = new EmulatorClient(info);
      const created = await client.graph("POST", "/deviceManagement/deviceConfigurations", iosProfile({ displayName: "Survives restarts" }));
      assert.strictEqual(created.status, 201);
      await client.graph("POST", "/deviceManagement/roleScopeTags", { displayName: "Persistent tag" });
      assert.strictEqual(await stopEmulatorProcess(first.child), 0);
      const persisted = JSON.parse(fs.readFileSync(state, "utf8"));
      assert.strictEqual(persisted.state.deviceConfigurations.length, 1);

      const second = await startEmulatorProcess(["--port", "0", "--state", state]);
      try {
        assert.strictEqual(second.info.clientSecret, info.clientSecret);
        assert.strictEqual(second.info.caCertPath, info.caCertPath);
        const again = new EmulatorClient(second.info);
        const got = await again.graph("GET", `/deviceManagement/deviceConfigurations/${created.body.id}`);
        assert.strictEqual(got.body.displayName, "Survives restarts");
        const tags = await again.graph("GET", "/deviceManagement/roleScopeTags");
        assert.deepStrictEqual(tags.body.value.map((t: any) => t.displayName), ["Default", "Persistent tag"]);
        assert.strictEqual((await again.graph("POST", "/deviceManagement/roleScopeTags", { displayName: "Next" })).body.id, "2");
      } finally {
        await stopEmulatorProcess(second.child);
      }
    });
  });
});
