// The provider must never share a guess with the emulator: if both used one table of what Intune fills
// in, "zero changes after up" would only prove that we agree with ourselves.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "../../..");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith(".ts") ? [p] : [];
  });
}

/** Every module specifier a file imports or requires. */
function imports(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)["']([^"']+)["']/g)].map((m) => m[1]);
}

describe("provider and SDK are independent of the emulator's guesses", () => {
  const files = [...sources(path.join(root, "provider")), ...sources(path.join(root, "sdk"))];

  it("checks a real set of files", () => {
    assert.ok(files.length > 20, `${files.length} files`);
  });

  for (const file of files) {
    it(`${path.relative(root, file)} imports neither the emulator nor a defaults table`, () => {
      for (const spec of imports(file)) {
        if (!spec.startsWith(".")) continue;
        const target = path.relative(root, path.resolve(path.dirname(file), spec));
        assert.ok(!/^emulator(\/|$)/.test(target), `${spec} -> ${target}`);
        assert.ok(!/defaults$|dialects?$/.test(target), `${spec} -> ${target}`);
      }
    });
  }

  it("would catch such an import (the check itself works)", () => {
    const probe = path.join(root, "provider", "email", "x.ts");
    const target = path.relative(root, path.resolve(path.dirname(probe), "../../schema/defaults"));
    assert.ok(/defaults$/.test(target));
  });
});
