// The preview tells the truth whatever the tenant answers for what a program leaves out. Every platform
// with minimal and maximal settings, through the real Pulumi CLI, under each emulator dialect: the schema-
// shaped answer, the live service's (every property, unset booleans false, annotations) and a sparse
// one (unset properties absent): preview → up → preview → drift 0 → refresh without change → a portal change
// of a declared and of an undeclared setting → drift 2 naming both → refresh + up restore both → preview.
// The live and sparse dialects have a file each (tenantTruth.<dialect>.e2e.test.ts). Under the schema
// dialect, emailProfiles.e2e.test.ts runs these checks on its own stack of the same example, whose first
// preview and `up` are these, instead of a second stack repeating them.
import * as assert from "assert";
import type { EmulatorClient } from "../support/emulatorClient";
import { changingSteps, type PreviewDigest, type PulumiProject, runCli, useEmulatorStack } from "./harness";

const profiles = "/deviceManagement/deviceConfigurations";

/** Paths (under `where`) of the null values in a step's inputs. */
function nullPaths(value: unknown, where: string): string[] {
  if (value === null) return [where];
  if (typeof value !== "object") return [];
  return Object.entries(value as object).flatMap(([k, v]) => nullPaths(v, `${where}.${k}`));
}

type Dialect = "schema" | "live" | "sparse";

/** What the checks need of the file that runs them: its emulator and stack (set in its `before`). */
export interface TenantTruthStack {
  emulator: EmulatorClient;
  project: PulumiProject;
}

/** The first preview of the example creates every profile with the declared settings only. */
export function assertDeclaredOnlyCreates(preview: PreviewDigest): void {
  const creates = changingSteps(preview, "EmailProfile");
  assert.strictEqual(creates.length, 12);
  const iosMin = creates.find((s) => s.urn.endsWith("::ios-min"))!;
  assert.deepStrictEqual(Object.keys(iosMin.newState!.inputs!.settings as object).sort(), ["accountName", "emailAddressSource", "hostName", "usernameSource"]);
  // What `pulumi preview --diff` prints as <null>: an undeclared setting carried as null, in any profile.
  const nulls = changingSteps(preview).flatMap((s) => nullPaths(s.newState!.inputs, s.urn.split("::").pop()!));
  assert.deepStrictEqual(nulls, [], "no undeclared settings in the preview");
}

/**
 * The checks after a clean `up` (drift 0, a refresh without change, a portal change named by drift and
 * repaired by refresh + up), for a file whose stack of the example is converged under `dialect`.
 */
export function tenantTruthAfterUp(dialect: Dialect, stack: () => TenantTruthStack): void {
  const drift = (format = "markdown") => {
    const { project } = stack();
    return runCli(["drift", "--stack", project.stack, "--cwd", project.dir, "--format", format], { env: project.env });
  };
  const byName = async (displayName: string) => ((await stack().emulator.graph("GET", `${profiles}?$top=999`)).body.value as any[]).find((p) => p.displayName === displayName);

  it("drift exits 0 (its refresh changes nothing), and a refresh reports no change", async () => {
    const r = await drift("json");
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    assert.deepStrictEqual(JSON.parse(r.stdout).drifted, []);
    // A refresh step is an update when the engine's diff of the refreshed state against the program's last
    // inputs is one, i.e. when a preview right after it would not be empty (Pulumi's RefreshStep).
    await stack().project.ok(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]);
  });

  it("a portal change of a declared and of an undeclared setting is drift naming both, and refresh + up restore both", async () => {
    const { emulator, project } = stack();
    const p = await byName("iOS: Exchange (minimal)");
    const before = p.requireSmime ?? null;
    const patched = await emulator.graph("PATCH", `${profiles}/${p.id}`, {
      "@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration",
      accountName: "Changed in the portal",
      requireSmime: true,
    });
    assert.strictEqual(patched.status, 204, JSON.stringify(patched.body));

    const r = await drift("json");
    assert.strictEqual(r.code, 2, r.stdout + r.stderr);
    const json = JSON.parse(r.stdout);
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

    await project.ok(["refresh", "--yes", "--skip-preview"]);
    await emulator.clearRequests();
    const repair = changingSteps(await project.upJson());
    assert.deepStrictEqual(repair.map((s) => [s.op, s.urn.split("::").pop()]), [["update", "ios-min"]]);
    const patches = (await emulator.requests()).filter((r) => r.method === "PATCH");
    assert.strictEqual(patches.length, 1);
    const after = await byName("iOS: Exchange (minimal)");
    assert.strictEqual(after.accountName, "Work mail");
    if (!(dialect === "sparse" && before === null)) assert.strictEqual(after.requireSmime ?? null, before);
    assert.deepStrictEqual(changingSteps(await project.previewJson()), []);
    const clean = await drift();
    assert.strictEqual(clean.code, 0, clean.stdout);
  });
}

/** The suite for one dialect; one test file per dialect so that they run side by side. */
export function tenantTruthSuite(dialect: Dialect): void {
  describe(`e2e: tenant truth under the "${dialect}" dialect`, function () {
    this.timeout(900_000);
    let emulator: EmulatorClient;
    let project: PulumiProject;

    useEmulatorStack("email-profiles", async (s) => {
      ({ emulator, project } = s);
      const r = await emulator.config({ dialect });
      assert.strictEqual(r.status, 200, JSON.stringify(r.body));
    }, { program: "javascript" });

    it("previews a create with the declared settings only", async () => {
      assertDeclaredOnlyCreates(await project.previewJson());
    });

    it("creates everything without a request the emulator rejects, then previews no change", async () => {
      await emulator.clearRequests();
      await project.up();
      const rejected = (await emulator.requests()).filter((r) => r.status === 400);
      assert.deepStrictEqual(rejected, []);
      assert.deepStrictEqual(changingSteps(await project.previewJson()), []);
    });

    tenantTruthAfterUp(dialect, () => ({ emulator, project }));
  });
}
