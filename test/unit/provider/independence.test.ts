// The provider must never share a guess with the emulator: if both used one table of what Intune fills
// in, "zero changes after up" would only prove that we agree with ourselves. The check parses every form
// of import (import/export-from, import = require, import(), require(), require.resolve(), import types),
// resolves package-name self-imports (`pulumi-intune/dist/emulator/…`) and dist/ paths to the sources,
// follows imports and re-exports through the whole repository, and refuses module references computed at
// run time in provider/ and sdk/, where it could not see them.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findViolations, type IndependenceOptions, sourceFiles, type Violation } from "../../support/importGraph";

const root = path.resolve(__dirname, "../../..");

/** Why `file` (relative to the repository) must not be reached from provider/ or sdk/. */
function forbidden(file: string): string | undefined {
  const posix = file.split(path.sep).join("/");
  if (/^emulator(\/|$)/.test(posix)) return "the emulator";
  if (/(^|[^a-z])(defaults?|dialects?)(\.[a-z.]+)?$/i.test(path.basename(posix))) return "a defaults or dialect table";
  if (posix.endsWith(".json") && !/^schema\/intune-email\.[a-z0-9]+\.json$/.test(posix) && posix !== "package.json") return "a data table other than Microsoft's schema extract";
  return undefined;
}

const strictFiles = (file: string) => /^(provider|sdk)(\/|\\)/.test(file);

function check(start: string, repo = root): Violation[] {
  const options: IndependenceOptions = { root: repo, forbidden, strict: strictFiles };
  return findViolations(start, options);
}

const show = (vs: Violation[]) => vs.map((v) => `${v.chain.join(" -> ")}: ${v.reason}`).join("\n");

describe("provider and SDK are independent of the emulator's guesses", () => {
  const files = [...sourceFiles(path.join(root, "provider")), ...sourceFiles(path.join(root, "sdk")), path.join(root, "index.ts")];

  it("checks a real set of files", () => {
    assert.ok(files.length > 20, `${files.length} files`);
  });

  for (const file of files) {
    it(`${path.relative(root, file)} reaches neither the emulator nor a defaults table, by any import`, () => {
      const found = check(file);
      assert.strictEqual(found.length, 0, show(found));
    });
  }
});

describe("the independence check itself (each kind of forbidden import, in a scratch repository)", () => {
  let repo: string;
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
    fs.writeFileSync(path.join(repo, rel), text);
  };
  before(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), "independence-"));
    write("package.json", JSON.stringify({ name: "pulumi-intune", main: "dist/index.js" }));
    write("index.ts", 'export * from "./sdk/ok";\n');
    write("sdk/ok.ts", 'import * as fs from "fs";\nexport const ok = fs.existsSync;\n');
    write("emulator/dialects.ts", "export const live = {};\n");
    write("emulator/index.ts", 'export * from "./dialects";\n');
    write("emulator/defaults.json", "{}\n");
    write("schema/intune-email.beta.json", "{}\n");
    write("schema/defaults.json", "{}\n");
    write("lib/tables.json", "{}\n");
    write("lib/reexport.ts", 'export { live } from "../emulator/dialects";\n');
    write("lib/deeper.ts", 'export * from "./reexport";\n');
  });
  after(() => fs.rmSync(repo, { recursive: true, force: true }));

  const cases: [string, string, RegExp][] = [
    ["a relative import", 'import { live } from "../emulator/dialects";', /emulator\/dialects\.ts: the emulator/],
    ["a package-name self-import of dist/", 'import { live } from "pulumi-intune/dist/emulator/dialects";', /"pulumi-intune\/dist\/emulator\/dialects" -> emulator\/dialects\.ts: the emulator/],
    ["an export-from", 'export * from "../emulator";', /export-from "\.\.\/emulator" -> emulator\/index\.ts: the emulator/],
    ["a dynamic import()", 'export const f = () => import("../emulator/dialects");', /import\(\) "\.\.\/emulator\/dialects"/],
    ["a require() with a literal", 'export const t = require("../dist/emulator/dialects.js");', /require\(\) "\.\.\/dist\/emulator\/dialects\.js" -> emulator\/dialects\.ts/],
    ["an import = require()", 'import d = require("../emulator/dialects");\nexport const x = d;', /import-equals/],
    ["a .json table in the emulator", 'export const t = require("../emulator/defaults.json");', /emulator\/defaults\.json: the emulator/],
    ["a .json defaults table outside it", 'import t from "../schema/defaults.json";\nexport { t };', /schema\/defaults\.json: a defaults or dialect table/],
    ["any other .json table", 'export const t = require("../lib/tables.json");', /lib\/tables\.json: a data table/],
    ["a computed require()", 'const name = "../emulator/dialects";\nexport const t = require(name);', /:2 require\(\): a module reference computed at run time/],
    ["a computed import()", 'export const t = (n: string) => import(n);', /import\(\): a module reference computed at run time/],
    ["a computed require.resolve()", 'export const t = require(require.resolve(["..", "emulator"].join("/")));', /computed at run time/],
    ["a transitive re-export", 'export * from "../lib/deeper";', /lib\/deeper\.ts:1 export-from "\.\/reexport" -> lib\/reexport\.ts:1 export-from "\.\.\/emulator\/dialects" -> emulator\/dialects\.ts/],
    ["a path into the emulator in a string", 'import * as fs from "fs";\nexport const t = fs.readFileSync(`${__dirname}/../emulator/defaults.json`, "utf8");', /a path into the emulator/],
    ["an import type", 'export type T = typeof import("../emulator/dialects").live;', /import-type/],
  ];
  for (const [name, text, expected] of cases) {
    it(`catches ${name}`, () => {
      write("provider/probe.ts", `${text}\n`);
      const found = check(path.join(repo, "provider/probe.ts"), repo);
      assert.ok(found.length > 0, `not caught: ${text}`);
      assert.match(show(found), expected);
    });
  }

  it("passes what is allowed: packages, built-ins, the package root, Microsoft's schema extract", () => {
    write("provider/probe.ts", 'import * as fs from "fs";\nimport { z } from "zod";\nexport * from "pulumi-intune";\nexport const s = require("../schema/intune-email.beta.json");\nexport const g = require(require.resolve("@grpc/grpc-js", { paths: ["x"] }));\nexport const u = [fs, z];\n');
    assert.deepStrictEqual(check(path.join(repo, "provider/probe.ts"), repo), []);
  });
});
