// One baseline, per-tenant values, without the fleet command: a plain `pulumi preview` of one tenant stack
// (real CLI, file backend, examples/fleet) refuses a stack whose own config sets a key the baseline in
// Pulumi.yaml makes mandatory, naming the stack and the key, and sends Graph nothing to write.
import * as assert from "assert";
import type { EmulatorClient } from "../support/emulatorClient";
import { changingSteps, type PulumiProject, useEmulatorStack } from "./harness";

describe("e2e: a mandatory baseline key in a plain `pulumi preview` of one stack", function () {
  this.timeout(600_000);
  let emulator: EmulatorClient;
  let project: PulumiProject;

  useEmulatorStack("fleet", (s) => void ({ emulator, project } = s));

  const graphWrites = async () => (await emulator.requests()).filter((r) => r.method !== "GET" && !r.path.includes("/oauth2/"));

  it("previews a stack that keeps to the baseline", async () => {
    await project.setConfig({ mailGroups: ["Sales Users"], accountName: "Contoso mail" });
    const preview = await project.previewJson();
    assert.deepStrictEqual(changingSteps(preview, "EmailProfile").map((s) => s.op), ["create", "create"]);
  });

  it("refuses a stack that sets a mandatory key: the preview fails naming stack and key, with no Graph write", async () => {
    await project.setConfig({ mailGroups: ["Sales Users"], accountName: "Contoso mail", hostName: "mail.tenant.example" });
    await emulator.clearRequests();
    const r = await project.pulumi(["preview"]);
    assert.notStrictEqual(r.code, 0, r.stdout);
    const out = r.stdout + r.stderr;
    assert.match(out, /stack `e2e` sets mandatory baseline key `intune-fleet:hostName` \(Pulumi\.e2e\.yaml\)/, out);
    assert.deepStrictEqual(await graphWrites(), []);
    // Refused before the program looked anything up: no Graph request at all, not even a read.
    assert.deepStrictEqual((await emulator.requests()).filter((q) => !q.path.includes("/oauth2/")), []);
  });
});
