// The module graph of this repository as the TypeScript parser sees it, for the independence check
// (test/unit/provider/independence.test.ts): every form of import, resolved the way Node would resolve it
// at run time, package-name self-imports and dist/ paths mapped back to the sources.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/** One module reference in a source file. `specifier` is undefined when it is computed at run time. */
export interface ModuleReference {
  specifier: string | undefined;
  /** `import`, `export-from`, `import-equals`, `import()`, `require()`, `require.resolve()`, `import-type`, `path-literal`. */
  form: string;
  line: number;
}

/** What a file references: resolved in-repo files and the references that cannot be resolved statically. */
export interface FileReferences {
  references: ModuleReference[];
  computed: ModuleReference[];
}

function literalText(node: ts.Node | undefined): string | undefined {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return node.text;
  return undefined;
}

function isRequire(expr: ts.Expression): boolean {
  return ts.isIdentifier(expr) && expr.text === "require";
}

function isRequireResolve(expr: ts.Expression): boolean {
  return ts.isPropertyAccessExpression(expr) && isRequire(expr.expression) && expr.name.text === "resolve";
}

/** Every module reference in `file`, of every form; computed ones (no literal) listed separately. */
export function moduleReferences(file: string, text = fs.readFileSync(file, "utf8")): FileReferences {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith(".js") ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  const references: ModuleReference[] = [];
  const computed: ModuleReference[] = [];
  const add = (node: ts.Node, form: string, specifier: string | undefined) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    (specifier === undefined ? computed : references).push({ specifier, form, line });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node, "import", literalText(node.moduleSpecifier));
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier) add(node, "export-from", literalText(node.moduleSpecifier));
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node, "import-equals", literalText(node.moduleReference.expression));
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, "import-type", literalText(node.argument.literal));
    else if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, "import()", literalText(first));
      else if (isRequireResolve(node.expression)) add(node, "require.resolve()", literalText(first));
      else if (isRequire(node.expression)) {
        // require(require.resolve("x", …)) is a static reference to "x", seen by the branch above.
        if (first && ts.isCallExpression(first) && isRequireResolve(first.expression)) {
          if (literalText(first.arguments[0]) === undefined) add(node, "require()", undefined);
        } else add(node, "require()", literalText(first));
      }
    } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
      // A path into the emulator in a string (fs.readFileSync(`${__dirname}/../emulator/x.json`) …).
      const text = ts.isTemplateExpression(node) ? [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join("${}") : node.text;
      if (/(^|[/.])emulator\//.test(text)) add(node, "path-literal", text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { references, computed };
}

/** Resolves module specifiers to files of the repository at `root` (sources, never dist/). */
export class RepoResolver {
  private readonly packageName: string;
  private readonly packageMain: string;

  constructor(readonly root: string) {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { name: string; main?: string };
    this.packageName = pkg.name;
    this.packageMain = pkg.main ?? "index.js";
  }

  /** The in-repo source file `specifier` loads from `fromFile`, or undefined for packages and built-ins. */
  resolve(fromFile: string, specifier: string): string | undefined {
    let target: string;
    if (specifier.startsWith(".") || path.isAbsolute(specifier)) target = path.resolve(path.dirname(fromFile), specifier);
    else if (specifier === this.packageName) target = path.join(this.root, this.packageMain);
    else if (specifier.startsWith(`${this.packageName}/`)) target = path.join(this.root, specifier.slice(this.packageName.length + 1));
    else if (specifier.startsWith("pulumi-nodejs:") || specifier.startsWith("node:")) return undefined;
    else return undefined; // a dependency or a built-in
    return this.sourceOf(target);
  }

  /** The source behind a path: dist/x.js -> x.ts, x -> x.ts | x/index.ts | x.json. A path that exists nowhere stays as it is. */
  sourceOf(target: string): string {
    const rel = path.relative(this.root, target);
    if (rel === "dist" || rel.startsWith(`dist${path.sep}`)) target = path.join(this.root, rel.slice("dist".length + 1));
    const stem = target.replace(/\.d\.ts$|\.(js|ts|cjs|mjs)$/, "");
    const candidates = [target, `${stem}.ts`, `${stem}.js`, `${stem}.json`, path.join(target, "index.ts"), path.join(stem, "index.ts"), path.join(target, "index.js")];
    for (const c of candidates) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
    return target;
  }
}

/** One path through the graph from a root to a forbidden file, as "a.ts:3 import -> b.ts -> …". */
export interface Violation {
  root: string;
  chain: string[];
  reason: string;
}

export interface IndependenceOptions {
  root: string;
  /** Why a file must not be reached, or undefined when it may. Paths are relative to `root`. */
  forbidden(relativeFile: string): string | undefined;
  /** Files in which a computed require()/import() is itself a failure. */
  strict(relativeFile: string): boolean;
}

/**
 * Follows every reference from `start` through the repository (re-exports and imports of imports) and
 * returns each way to a forbidden file, and each computed reference in a strict file on the way.
 */
export function findViolations(start: string, options: IndependenceOptions, resolver = new RepoResolver(options.root)): Violation[] {
  const rel = (f: string) => path.relative(options.root, f);
  const violations: Violation[] = [];
  const seen = new Set<string>([start]);
  const queue: { file: string; chain: string[] }[] = [{ file: start, chain: [rel(start)] }];
  while (queue.length > 0) {
    const { file, chain } = queue.shift()!;
    const isSource = /\.(ts|js)$/.test(file) && fs.existsSync(file);
    if (!isSource) continue;
    const refs = moduleReferences(file);
    if (options.strict(rel(file))) {
      for (const c of refs.computed) violations.push({ root: rel(start), chain: [...chain.slice(0, -1), `${rel(file)}:${c.line} ${c.form}`], reason: "a module reference computed at run time cannot be checked" });
    }
    for (const r of refs.references) {
      if (r.form === "path-literal") {
        violations.push({ root: rel(start), chain: [...chain.slice(0, -1), `${rel(file)}:${r.line} "${r.specifier}"`], reason: "a path into the emulator, in a string" });
        continue;
      }
      const target = resolver.resolve(file, r.specifier!);
      if (!target) continue;
      const next = [...chain.slice(0, -1), `${chain[chain.length - 1]}:${r.line} ${r.form} "${r.specifier}"`, rel(target)];
      const reason = options.forbidden(rel(target));
      if (reason) {
        violations.push({ root: rel(start), chain: next, reason });
        continue;
      }
      if (!seen.has(target)) {
        seen.add(target);
        queue.push({ file: target, chain: next });
      }
    }
  }
  return violations;
}

/** The .ts files under `dir`, recursively. */
export function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith(".ts") ? [p] : [];
  });
}
