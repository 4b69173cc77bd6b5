// `pulumi up` killed with SIGKILL while it creates (CLI, language host and provider at once, as a
// crashed runner would): some profiles are committed in the tenant but not in the state. The next
// `pulumi refresh` and `pulumi up` finish the job, and every resource is exactly one profile.
import * as assert from "assert";
import type { EmulatorClient } from "../support/emulatorClient";
import { descendantsOf, isRunning } from "../support/processes";
import { changingSteps, type PulumiProject, useEmulatorStack } from "./harness";

const profilesPath = "/deviceManagement/deviceConfigurations";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("e2e: pulumi up killed with SIGKILL while creating", function () {
  this.timeout(900_000);
  let emulator: EmulatorClient;
  let project: PulumiProject;
  const profiles = async () => ((await emulator.graph("GET", `${profilesPath}?$top=999`)).body.value as any[]).filter((p) => String(p["@odata.type"]).includes("EmailProfile") || String(p["@odata.type"]).includes("EasConfiguration") || String(p["@odata.type"]).includes("EASEmailProfile"));

  useEmulatorStack("email-profiles", (s) => {
    ({ emulator, project } = s);
    // As users run it: the state is written after every step, so a kill leaves pending operations.
    project.env.PULUMI_SKIP_CHECKPOINTS = "false";
  });

  it("leaves committed profiles that the next refresh and up take over instead of duplicating", async () => {
    // Every read-back after a create waits, so the kill lands after commits and before the state has them.
    await emulator.injectFault({ match: { method: "POST", path: "\\$batch" }, fault: "latency;ms=60000", count: 1000 });
    const child = project.pulumiDetached(["up", "--yes", "--skip-preview"]);
    const exited = new Promise((r) => child.on("exit", r));
    const deadline = Date.now() + 180_000;
    while ((await profiles()).length < 3 && Date.now() < deadline) await sleep(250);
    const committed = (await profiles()).length;
    assert.ok(committed >= 3, `only ${committed} profiles committed before the deadline`);
    // The CLI starts its plugins in process groups of their own, so the group kill alone would leave the
    // language host and the provider running (they were found alive after test runs): kill the whole tree.
    const tree = descendantsOf(child.pid!);
    process.kill(-child.pid!, "SIGKILL");
    for (const pid of tree) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone with the group already.
      }
    }
    await exited;
    await sleep(500);
    assert.deepStrictEqual(tree.filter(isRunning), [], "processes of the killed run still alive");
    await emulator.clearFaults();
    const state = JSON.parse((await project.ok(["stack", "export"])).stdout);
    const recorded = (state.deployment.resources ?? []).filter((r: any) => String(r.type).endsWith("intune:EmailProfile")).length;
    assert.ok(recorded < committed, `the kill came too late: ${recorded} recorded, ${committed} committed`);

    // A killed run leaves its lock on the stack: `pulumi cancel` removes it (what the README says to run).
    const cancel = await project.pulumi(["cancel", "--yes"]);
    assert.strictEqual(cancel.code, 0, cancel.stdout + cancel.stderr);
    const refresh = await project.pulumi(["refresh", "--yes", "--skip-preview"]);
    assert.strictEqual(refresh.code, 0, refresh.stdout + refresh.stderr);
    await project.up();
    const live = await profiles();
    const names = live.map((p) => p.displayName);
    assert.strictEqual(live.length, 12, JSON.stringify(names));
    assert.strictEqual(new Set(names).size, 12, `duplicates: ${JSON.stringify(names)}`);
    assert.deepStrictEqual(changingSteps(await project.previewJson()), []);
    process.stdout.write(`      ${committed} committed and ${recorded} recorded at the kill; 12 profiles after refresh + up\n`);
  });
});
