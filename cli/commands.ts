// The commands of `pulumi-intune`: each one's flags (parsed strictly by cli/args.ts) and what it runs.
// A new command is one more entry here; its usage text and flag checks come from the entry.
import * as fs from "fs";
import * as path from "path";
import { type CommandSpec, type OptionValue } from "./args";
import { driftFromRefresh, renderDriftMarkdown, runRefreshPreview } from "./drift";
import { policyViolationsFromEventLog } from "./policyEvents";
import { parsePreviewJson } from "./previewJson";
import { type ExportCommandOptions, type ExportKind, exportKinds, runExport } from "./export";
import { runStatusCommand, type StatusOptions } from "./status";
import { buildReport, type FailOn, failOnKinds, policyExitCode, policyViolations, renderComment, renderMarkdown } from "./review";

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readInput: (file: string | undefined) => Promise<{ text: string; source: string }>;
  env: NodeJS.ProcessEnv;
}

export interface Command extends CommandSpec {
  run: (args: { values: Record<string, OptionValue>; positionals: string[] }, io: Io) => Promise<number>;
}

const format = { type: "string", value: "FORMAT", choices: ["markdown", "json"], default: "markdown", help: "report format" } as const;

export const commands: Record<string, Command> = {
  review: {
    summary: "reads `pulumi preview --json` output (file, or stdin for - or none) and writes the pull-request comment to stdout (always under 65,536 characters); exit 3 when a --fail-on gate trips",
    positionals: [{ name: "FILE", help: "preview JSON file, or - for stdin", optional: true }],
    options: {
      format,
      "fail-on": { type: "string", value: "KINDS", list: true, choices: failOnKinds, help: "exit 3 when the change has any of these (comma-separated, or repeat the flag)" },
      out: { type: "string", value: "FILE", help: "also write the full, untrimmed report (in --format) to FILE" },
      events: { type: "string", value: "FILE", help: "the same preview's event log (`pulumi preview --event-log FILE`): adds its policy pack violations, next to the resources they are about" },
    },
    async run({ values, positionals }, io) {
      const { text, source } = await io.readInput(positionals[0]);
      const events = typeof values.events === "string" ? policyViolationsFromEventLog(fs.readFileSync(values.events, "utf8"), values.events) : undefined;
      const report = buildReport(parsePreviewJson(text, source), events);
      const fmt = values.format as "markdown" | "json";
      const full = fmt === "json" ? JSON.stringify(report, null, 2) + "\n" : renderMarkdown(report);
      if (typeof values.out === "string") fs.writeFileSync(values.out, full);
      io.stdout(fmt === "json" ? full : renderComment(report, { fullReport: typeof values.out === "string" ? path.basename(values.out) : undefined }));
      const failOn = values["fail-on"] as FailOn[];
      for (const v of policyViolations(report, failOn)) io.stderr(`pulumi-intune review: --fail-on ${v}\n`);
      return policyExitCode(report, failOn);
    },
  },
  drift: {
    summary: "runs `pulumi refresh --preview-only` for the stack and reports drifted resources; exit 0 = no drift, 2 = drift, 1 = error",
    positionals: [],
    options: {
      stack: { type: "string", value: "NAME", required: true, help: "the stack to refresh" },
      cwd: { type: "string", value: "DIR", default: ".", help: "the Pulumi project directory" },
      format,
    },
    async run({ values }, io) {
      const stack = values.stack as string;
      const digest = await runRefreshPreview(stack, path.resolve(values.cwd as string), io.env.PULUMI_BIN ?? "pulumi");
      const report = driftFromRefresh(stack, digest);
      io.stdout(values.format === "json" ? JSON.stringify(report, null, 2) + "\n" : renderDriftMarkdown(report));
      return report.drifted.length > 0 ? 2 : 0;
    },
  },
  status: {
    summary: "rollout status of the stack's e-mail profiles, certificate profiles and trusted roots from Graph (succeeded, pending, error, conflict, not applicable), naming the certificate or root a device misses; exit 0 = healthy, 2 = errors or conflicts, 1 = broken",
    positionals: [],
    options: {
      stack: { type: "string", value: "NAME", required: true, help: "the stack whose e-mail profiles to report" },
      cwd: { type: "string", value: "DIR", default: ".", help: "the Pulumi project directory" },
      format,
    },
    run: ({ values }, io) => runStatusCommand(statusOptions(values), io),
  },
  export: {
    summary: "writes a runnable Pulumi TypeScript project that adopts the tenant's e-mail profiles, trusted roots, SCEP/PKCS profiles (certificates in certificates/*.pem), custom scope tags and their assignments (signs in like the provider: the stack's intune:* config, or the AZURE_* environment)",
    positionals: [],
    options: {
      out: { type: "string", value: "DIR", default: "intune-export", help: "directory to write the project to" },
      select: { type: "string", value: "KINDS", list: true, choices: exportKinds, help: "what to export (comma-separated); default everything" },
      "groups-by-name": { type: "boolean", help: "reference groups by display name (lookupGroupByName) instead of by id" },
      stack: { type: "string", value: "NAME", help: "sign in with this stack's intune:* config" },
      cwd: { type: "string", value: "DIR", help: "the Pulumi project directory of --stack" },
    },
    async run({ values }) {
      await runExport({ options: exportOptions(values) });
      return 0;
    },
  },
  fleet: {
    summary:
      "runs drift, preview, status or up over many tenant stacks of one program (the Automation API, tenants side by side) and writes one report; `fleet report` merges shard reports; exit 0 = all clean, 2 = drift, impact or unhealthy somewhere, 1 = a tenant broken",
    positionals: [
      { name: "OPERATION", help: "drift, preview, status, up, or report (merge the JSON reports of shards)" },
      { name: "REPORT", help: "fleet report: the shard reports (--format json --out FILE) to merge", optional: true, variadic: true },
    ],
    options: {
      stacks: { type: "string", value: "LIST|GLOB", help: "stacks by name or glob, comma-separated (e.g. 'tenant-*')" },
      cwd: { type: "string", value: "DIR", help: "the fleet's Pulumi project directory (default .)" },
      concurrency: { type: "string", value: "N", help: "tenants at a time (default 4)" },
      shard: { type: "string", value: "K/N", help: "run only shard K of N of the stacks (for a CI matrix)" },
      format,
      out: { type: "string", value: "FILE", help: "also write the full report (in --format) to FILE" },
      waves: { type: "string", value: "LIST", help: "fleet up: waves in order (stack tag or config pulumi-intune:wave; untagged stacks go last)" },
      "wave-timeout": { type: "string", value: "DURATION", help: "fleet up: how long to wait for pending devices after each wave (default 10m)" },
      "poll-interval": { type: "string", value: "DURATION", help: "fleet up: time between status reads (default 15s)" },
    },
    // Loaded when run: the fleet needs Pulumi's Automation API, about a second of CPU at every start of the CLI.
    run: async ({ values, positionals }, io) => (await import("./fleet")).fleetCommand(values, positionals, io),
  },
};

/** `status`'s typed options from its parsed flags (checked by the parser against the table above). */
export function statusOptions(values: Record<string, OptionValue>): StatusOptions {
  return { stack: values.stack as string, cwd: path.resolve(values.cwd as string), format: values.format as StatusOptions["format"] };
}

/** `export`'s typed options from its parsed flags; no `--select` means every kind. */
export function exportOptions(values: Record<string, OptionValue>): ExportCommandOptions {
  const select = (values.select as ExportKind[] | undefined) ?? [];
  return {
    out: values.out as string,
    select: new Set(select.length > 0 ? select : exportKinds),
    groupsByName: values["groups-by-name"] === true,
    stack: values.stack as string | undefined,
    cwd: values.cwd as string | undefined,
  };
}
