// The baseline rule in a plain `pulumi preview`/`up`: the program reads Pulumi.yaml and Pulumi.<stack>.yaml
// of its project and refuses, before declaring or looking up anything, a stack that sets a mandatory key.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { lookupGroupByName, ScopeTag } from "../../../sdk";
import { readStackConfigFiles, stackBaselineViolations } from "../../../sdk/baseline";

const BASELINE = `name: fleet
runtime: nodejs
config:
  fleet:hostName: outlook.office365.com
  fleet:accountName: Work mail
  pulumi-intune:mandatory:
    value:
      - hostName
      - fleet:requireSsl
`;

const made: string[] = [];

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baseline-"));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe("unit: the baseline in a plain preview of one stack (sdk/baseline.ts)", () => {
  after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  it("reads the project's config and the stack's own config, not the merged values", () => {
    const dir = project({ "Pulumi.yaml": BASELINE, "Pulumi.tenant-b.yaml": "config:\n  fleet:accountName: Contoso mail\n" });
    const files = readStackConfigFiles(dir, "tenant-b")!;
    assert.strictEqual(files.project, "fleet");
    assert.deepStrictEqual(files.stackConfig, { "fleet:accountName": "Contoso mail" });
    assert.deepStrictEqual((files.projectConfig as Record<string, unknown>)["fleet:hostName"], "outlook.office365.com");
    assert.strictEqual(readStackConfigFiles(project({}), "tenant-b"), undefined);
  });

  it("refuses a stack that sets a mandatory key (bare or qualified), naming stack and key; tenant values pass", () => {
    const dir = project({
      "Pulumi.yaml": BASELINE,
      "Pulumi.tenant-a.yaml": "config:\n  fleet:accountName: Contoso mail\n  intune:tenantId: t\n",
      "Pulumi.tenant-b.yaml": "config:\n  fleet:hostName: mail.tenant-b.example\n",
      "Pulumi.tenant-c.yml": "config:\n  fleet:requireSsl: false\n",
    });
    assert.deepStrictEqual(stackBaselineViolations(dir, "tenant-a"), []);
    assert.deepStrictEqual(stackBaselineViolations(dir, "tenant-new"), [], "a stack without a config file sets nothing");
    const [b] = stackBaselineViolations(dir, "tenant-b");
    assert.match(b, /^stack `tenant-b` sets mandatory baseline key `fleet:hostName` \(Pulumi\.tenant-b\.yaml\)/);
    assert.match(stackBaselineViolations(dir, "tenant-c").join("\n"), /stack `tenant-c` sets mandatory baseline key `fleet:requireSsl`/);
  });

  it("finds the stack's file under the project's stackConfigDir", () => {
    const dir = project({ "Pulumi.yaml": `${BASELINE}stackConfigDir: stacks\n`, "stacks/Pulumi.tenant-b.yaml": "config:\n  fleet:hostName: x.example\n" });
    assert.match(stackBaselineViolations(dir, "tenant-b").join("\n"), /`tenant-b` sets mandatory baseline key `fleet:hostName`/);
  });

  it("lets every stack set every key when the baseline names no mandatory key", () => {
    const dir = project({ "Pulumi.yaml": "name: fleet\nruntime: nodejs\nconfig:\n  fleet:hostName: a.example\n", "Pulumi.tenant-b.yaml": "config:\n  fleet:hostName: b.example\n" });
    assert.deepStrictEqual(stackBaselineViolations(dir, "tenant-b"), []);
  });

  describe("in the program, under Pulumi's mocks", () => {
    const cwd = process.cwd();
    const registered: string[] = [];
    const mocks: pulumi.runtime.Mocks = {
      newResource: (args) => {
        registered.push(args.name);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => {
        throw new Error("no call expected");
      },
    };
    before(() => {
      process.chdir(project({
        "Pulumi.yaml": BASELINE,
        "Pulumi.tenant-a.yaml": "config:\n  fleet:accountName: Contoso mail\n",
        "Pulumi.tenant-b.yaml": "config:\n  fleet:hostName: mail.tenant-b.example\n",
      }));
    });
    after(async () => {
      process.chdir(cwd);
      await pulumi.runtime.setMocks(mocks);
    });
    beforeEach(() => registered.splice(0));

    it("throws when the stack overrides a mandatory key, before declaring or looking up anything", async () => {
      // GIVEN a run of stack tenant-b, whose own config sets the baseline's hostName
      await pulumi.runtime.setMocks(mocks, "fleet", "tenant-b");
      // WHEN the program declares a resource, or looks a group up
      // THEN the run stops with a RunError (no stack trace) naming stack and key, and nothing was registered
      const refusal = (e: unknown) =>
        pulumi.RunError.isInstance(e) && /^stack `tenant-b` sets mandatory baseline key `fleet:hostName` \(Pulumi\.tenant-b\.yaml\)/.test((e as Error).message);
      assert.throws(() => new ScopeTag("mail-admins", { displayName: "Mail admins" }), refusal);
      assert.throws(() => lookupGroupByName("Sales Users"), refusal);
      await new Promise((r) => setTimeout(r, 200));
      assert.deepStrictEqual(registered, []);
    });

    it("declares as usual for a stack that keeps to the baseline", async () => {
      await pulumi.runtime.setMocks(mocks, "fleet", "tenant-a");
      new ScopeTag("mail-admins", { displayName: "Mail admins" });
      await new Promise((r) => setTimeout(r, 200));
      assert.deepStrictEqual(registered, ["mail-admins"]);
    });
  });
});
