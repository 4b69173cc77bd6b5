// The preview tells the truth whatever the tenant answers for what a program leaves out. Every platform
// with minimal and maximal settings, through the real Pulumi CLI, under each emulator dialect: the schema-
// shaped answer, the live service's (every property, unset booleans false, annotations) and a sparse
// one (unset properties absent): preview → up → preview → refresh → preview → drift 0 → a portal change
// of a declared and of an undeclared setting → drift 2 naming both → refresh + up restore both → preview.
import * as assert from "assert";
import type { EmulatorClient } from "../support/emulatorClient";
import { driftFromRefresh } from "../../cli/drift";
import { changingSteps, type PulumiProject, runCli, useEmulatorStack } from "./harness";

const profiles = "/deviceManagement/deviceConfigurations";

/** The suite for one dialect; one test file per dialect so that they run side by side. */
export function tenantTruthSuite(dialect: "schema" | "live" | "sparse"): void {
  describe(`e2e: tenant truth under the "${dialect}" dialect`, function () {
    this.timeout(900_000);
    let emulator: EmulatorClient;
    let project: PulumiProject;
    const drift = (format = "markdown") => runCli(["drift", "--stack", project.stack, "--cwd", project.dir, "--format", format], { env: project.env });
    const byName = async (displayName: string) => ((await emulator.graph("GET", `${profiles}?$top=999`)).body.value as any[]).find((p) => p.displayName === displayName);

    useEmulatorStack("email-profiles", async (s) => {
      ({ emulator, project } = s);
      const r = await emulator.config({ dialect });
      assert.strictEqual(r.status, 200, JSON.stringify(r.body));
    });

    it("previews a create with the declared settings only", async () => {
      const preview = await project.previewJson();
      const creates = changingSteps(preview, "EmailProfile");
      assert.strictEqual(creates.length, 12);
      const iosMin = creates.find((s) => s.urn.endsWith("::ios-min"))!;
      assert.deepStrictEqual(Object.keys(iosMin.newState!.inputs!.settings as object).sort(), ["accountName", "emailAddressSource", "hostName", "usernameSource"]);
      const text = await project.ok(["preview", "--diff"]);
      assert.doesNotMatch(text.stdout, /<null>/, "no undeclared settings in the preview");
    });

    it("creates everything without a request the emulator rejects, then previews no change", async () => {
      await emulator.clearRequests();
      await project.up();
      const rejected = (await emulator.requests()).filter((r) => r.status === 400);
      assert.deepStrictEqual(rejected, []);
      assert.deepStrictEqual(changingSteps(await project.previewJson()), []);
    });

    it("refresh changes nothing, the preview after it is empty, and drift exits 0", async () => {
      const refresh = JSON.parse((await project.ok(["refresh", "--preview-only", "--json"])).stdout);
      assert.deepStrictEqual(driftFromRefresh(project.stack, refresh).drifted, []);
      await project.ok(["refresh", "--yes"]);
      assert.deepStrictEqual(changingSteps(await project.previewJson()), []);
      const r = await drift();
      assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    });

    it("a portal change of a declared and of an undeclared setting is drift naming both, and refresh + up restore both", async () => {
      const p = await byName("iOS: Exchange (minimal)");
      const before = p.requireSmime ?? null;
      const patched = await emulator.graph("PATCH", `${profiles}/${p.id}`, {
        "@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration",
        accountName: "Changed in the portal",
        requireSmime: true,
      });
      assert.strictEqual(patched.status, 204, JSON.stringify(patched.body));

      const md = await drift();
      assert.strictEqual(md.code, 2, md.stdout + md.stderr);
      const json = JSON.parse((await drift("json")).stdout);
      const mine = json.drifted.find((d: any) => d.name === "ios-min");
      assert.ok(mine, JSON.stringify(json));
      const paths = mine.properties.map((x: any) => x.path).sort();
      if (dialect === "sparse" && before === null) {
        // A tenant that never reported the setting gives nothing to compare with: only the declared one.
        assert.deepStrictEqual(paths, ["settings.accountName"]);
      } else {
        assert.deepStrictEqual(paths, ["settings.accountName", "settings.requireSmime"]);
      }
      assert.deepStrictEqual(json.drifted.map((d: any) => d.name), ["ios-min"], "nothing else drifted");

      await project.ok(["refresh", "--yes"]);
      const repair = changingSteps(await project.previewJson());
      assert.deepStrictEqual(repair.map((s) => s.urn.split("::").pop()), ["ios-min"]);
      await emulator.clearRequests();
      await project.up();
      const patches = (await emulator.requests()).filter((r) => r.method === "PATCH");
      assert.strictEqual(patches.length, 1);
      const after = await byName("iOS: Exchange (minimal)");
      assert.strictEqual(after.accountName, "Work mail");
      if (!(dialect === "sparse" && before === null)) assert.strictEqual(after.requireSmime ?? null, before);
      assert.deepStrictEqual(changingSteps(await project.previewJson()), []);
      const clean = await drift();
      assert.strictEqual(clean.code, 0, clean.stdout);
    });
  });
}
