import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { providerModuleText } from "../../../sdk/provider";

// Evaluated the way Pulumi's Node dynamic-provider host does it (require-from-string, then handler()).
const requireFromString: (code: string) => { handler(): Record<string, (...args: unknown[]) => Promise<any>> } = require("require-from-string");

describe("unit: the hand-written provider module of our resources", () => {
  const cwd = process.cwd();
  let project: string;
  // A program directory whose node_modules has the package, as users have it, except that the module the
  // provider module loads by name forwards to the sources: a unit test must not run a stale dist/.
  before(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "provider-module-"));
    const pkg = path.join(project, "node_modules", "pulumi-intune");
    fs.mkdirSync(path.join(pkg, "dist", "provider"), { recursive: true });
    fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "pulumi-intune", main: "dist/index.js" }));
    const source = path.join(__dirname, "..", "..", "..", "provider", "dispatch.ts");
    fs.writeFileSync(path.join(pkg, "dist", "provider", "dispatch.js"), `module.exports = require(${JSON.stringify(source)});\n`);
    process.chdir(project);
  });
  after(() => {
    process.chdir(cwd);
    fs.rmSync(project, { recursive: true, force: true });
  });

  it("has every method the host calls, and forwards to the installed provider of its kind", async () => {
    const provider = requireFromString(providerModuleText("EmailProfile")).handler();
    assert.deepStrictEqual(Object.keys(provider).sort(), ["check", "configure", "create", "delete", "diff", "read", "update"]);
    const checked = await provider.check({}, { displayName: "Win", platform: "windows10", settings: { hostName: "a b" } });
    assert.match(JSON.stringify(checked.failures), /`settings.hostName` must be a DNS host name/);
    const tag = await requireFromString(providerModuleText("ScopeTag")).handler().check({}, { displayName: "" });
    assert.match(JSON.stringify(tag.failures), /displayName/);
  });

  it("stays small: it is stored twice per resource and rewritten with every checkpoint", () => {
    for (const kind of ["EmailProfile", "ScopeTag", "ProfileAssignment", "DeclaredResources"] as const) {
      assert.ok(providerModuleText(kind).length < 400, `${kind}: ${providerModuleText(kind).length} bytes`);
    }
  });
});
