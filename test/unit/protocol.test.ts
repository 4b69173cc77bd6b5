// The protocol module is the one place that spells what crosses a process boundary: each `__` key once
// in the code base, and nothing it imports (cli/ loads it without @pulumi/pulumi).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DECLARED_RESOURCES_TYPE, isProtocolKey, ProtocolKeys, typeToken, userKindOfType, withoutProtocolKeys } from "../../protocol";
import { engineAddress } from "../../provider/engineLog";

const root = path.resolve(__dirname, "../..");
const folders = ["protocol", "provider", "sdk", "cli", "emulator", "index.ts"];

function sources(p: string): string[] {
  const full = path.join(root, p);
  if (fs.statSync(full).isFile()) return [full];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(p, e.name)) : e.name.endsWith(".ts") ? [path.join(full, e.name)] : []));
}

/** Every quoted `__name` literal in a file (not identifiers like `__dirname`, not comments' backticks). */
function quotedKeys(file: string): string[] {
  return [...fs.readFileSync(file, "utf8").matchAll(/["'`](__[A-Za-z]+)["'`]/g)].map((m) => m[1]);
}

describe("unit: protocol", () => {
  it("spells each `__` key once in the code base, in protocol/", () => {
    const spelled = new Map<string, string[]>();
    for (const f of folders.flatMap(sources)) for (const k of quotedKeys(f)) spelled.set(k, [...(spelled.get(k) ?? []), path.relative(root, f)]);
    for (const key of Object.values(ProtocolKeys)) assert.deepStrictEqual(spelled.get(key), ["protocol/index.ts"], key);
    const strays = [...spelled].filter(([k]) => !(Object.values(ProtocolKeys) as string[]).includes(k));
    assert.deepStrictEqual(strays, []);
  });

  it("imports nothing outside itself (cli/ loads it without @pulumi/pulumi)", () => {
    for (const f of sources("protocol")) {
      const specs = [...fs.readFileSync(f, "utf8").matchAll(/from\s+["']([^"']+)["']/g)].map((m) => m[1]);
      assert.deepStrictEqual(specs.filter((s) => !s.startsWith("./")), [], f);
    }
  });

  it("names type tokens and tells ours from others", () => {
    assert.strictEqual(typeToken("EmailProfile"), "pulumi-nodejs:dynamic/intune:EmailProfile");
    assert.strictEqual(DECLARED_RESOURCES_TYPE, "pulumi-nodejs:dynamic/pulumi-intune:DeclaredResources");
    assert.strictEqual(userKindOfType(typeToken("ProfileAssignment")), "ProfileAssignment");
    assert.strictEqual(userKindOfType(DECLARED_RESOURCES_TYPE), undefined);
    assert.strictEqual(userKindOfType("aws:s3/bucket:Bucket"), undefined);
  });

  it("strips protocol keys from inputs", () => {
    assert.ok(isProtocolKey(ProtocolKeys.urn) && !isProtocolKey("displayName"));
    assert.deepStrictEqual(withoutProtocolKeys({ displayName: "a", [ProtocolKeys.urn]: "urn", [ProtocolKeys.providerModule]: "x" }), { displayName: "a" });
  });
});

describe("unit: the engine-address adapter (pulumi/pulumi#6065)", () => {
  it("takes a loopback address, as Pulumi starts its plugins with one", () => {
    assert.strictEqual(engineAddress("127.0.0.1:41234"), "127.0.0.1:41234");
    assert.strictEqual(engineAddress("[::1]:5"), "[::1]:5");
  });
  it("finds none in another process's last argument (tests, tools)", () => {
    assert.strictEqual(engineAddress("60000"), undefined);
    assert.strictEqual(engineAddress("10.0.0.1:5"), undefined);
    assert.strictEqual(engineAddress(undefined), undefined);
  });
});
