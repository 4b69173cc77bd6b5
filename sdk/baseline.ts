// The baseline rule (protocol/baseline.ts) for a plain `pulumi preview`/`up` of one stack: a tenant stack
// whose own config sets a key the baseline makes mandatory is refused before it declares anything, so the
// run never reaches the provider, let alone Graph. `pulumi.Config` only gives the merged values, so this
// module reads the two files the rule is about — Pulumi.yaml and Pulumi.<stack>.yaml of the program's
// project directory — and nothing else does.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { baselineViolations } from "../protocol/baseline";

/** The project's and one stack's own config, as written in their files. */
export interface StackConfigFiles {
  /** The project's name (Pulumi.yaml `name`). */
  readonly project: string;
  /** Pulumi.yaml's `config:` map. @default - undefined when the file has none */
  readonly projectConfig?: unknown;
  /** Pulumi.<stack>.yaml's `config:` map. @default - undefined when the stack has no file or no config */
  readonly stackConfig?: Readonly<Record<string, unknown>>;
}

const firstFile = (dir: string, names: string[]) => names.map((n) => path.join(dir, n)).find((f) => fs.existsSync(f));
const loadYaml = (file: string) => yaml.load(fs.readFileSync(file, "utf8")) as Record<string, unknown> | undefined;

/**
 * Pulumi.yaml and Pulumi.<stack>.yaml of the project in `dir` (Pulumi's names: `.yaml` or `.yml`; the
 * stack's file under `stackConfigDir` when the project sets one). Undefined when `dir` holds no project.
 */
export function readStackConfigFiles(dir: string, stack: string): StackConfigFiles | undefined {
  const projectFile = firstFile(dir, ["Pulumi.yaml", "Pulumi.yml"]);
  if (!projectFile) return undefined;
  const project = loadYaml(projectFile) ?? {};
  const stackDir = typeof project.stackConfigDir === "string" ? path.resolve(dir, project.stackConfigDir) : dir;
  const stackFile = firstFile(stackDir, [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`]);
  const stackConfig = stackFile ? loadYaml(stackFile)?.config : undefined;
  return {
    project: String(project.name ?? ""),
    projectConfig: project.config ?? undefined,
    stackConfig: stackConfig && typeof stackConfig === "object" ? (stackConfig as Record<string, unknown>) : undefined,
  };
}

/** The baseline's verdict on `stack` of the project in `dir`: one message per mandatory key it sets. */
export function stackBaselineViolations(dir: string, stack: string): string[] {
  const files = readStackConfigFiles(dir, stack);
  return files ? baselineViolations(stack, files.project, files.projectConfig, files.stackConfig) : [];
}

/** The verdicts already given in this program run, by project directory and stack (files read once). */
const verdicts = new Map<string, string[]>();

/**
 * Refuses this program run when its stack overrides a mandatory baseline key: a `pulumi.RunError`
 * (Pulumi prints its message, without a stack trace) naming the stack and each key. Called before our
 * first resource is declared; outside a Pulumi run (no stack) there is nothing to check.
 */
export function assertStackBaseline(): void {
  const stack = pulumi.getStack();
  if (!stack) return;
  // The project's directory (Pulumi.yaml's); Pulumi's mocks give a placeholder, and then the program's.
  const root = pulumi.getRootDirectory();
  const dir = root && path.isAbsolute(root) ? root : process.cwd();
  const key = `${dir}\n${stack}`;
  let violations = verdicts.get(key);
  if (!violations) verdicts.set(key, (violations = stackBaselineViolations(dir, stack)));
  if (violations.length > 0) throw new pulumi.RunError(violations.join("\n"));
}
