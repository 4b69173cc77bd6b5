// One TypeScript compiler host for the in-process type checks of the unit and integration tiers (docs'
// code blocks, the program `export` generates). Declaration files under node_modules (TypeScript's libs,
// @types, @pulumi/pulumi) do not change during a test run, and parsing them is most of a check's time, so
// each is parsed once per process and shared by every check.
import * as path from "path";
import * as ts from "typescript";

const parsedDeclarations = new Map<string, ts.SourceFile>();

/** A compiler host for `options` that parses each declaration file under node_modules once per process. */
export function sharedCompilerHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const parse = host.getSourceFile;
  host.getSourceFile = (name, version, ...rest) => {
    if (!name.endsWith(".d.ts") || !name.includes(`${path.sep}node_modules${path.sep}`)) return parse(name, version, ...rest);
    let parsed = parsedDeclarations.get(name);
    if (!parsed) {
      parsed = parse(name, version, ...rest);
      if (parsed) parsedDeclarations.set(name, parsed);
    }
    return parsed;
  };
  return host;
}
