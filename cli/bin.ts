#!/usr/bin/env node
// pulumi-intune review | drift | export
import * as fs from "fs";
import * as path from "path";
import { driftFromRefresh, renderDriftMarkdown, runRefreshPreview } from "./drift";
import { ExportUsageError, exportUsage, parseExportArgs, runExport } from "./export";
import { parsePreviewJson } from "./previewJson";
import { buildReport, type FailOn, policyExitCode, policyViolations, renderMarkdown } from "./review";

const usage = `usage:
  pulumi-intune review [FILE|-] [--format markdown|json] [--fail-on replace,delete,impact,create,update] [--out FILE]
      reads \`pulumi preview --json\` output (file or stdin) and writes a review report
  pulumi-intune drift --stack NAME [--cwd DIR] [--format markdown|json]
      runs \`pulumi refresh --preview-only\`; exit 0 = no drift, 2 = drift, 1 = error`;

function flags(argv: string[]): { positional: string[]; opts: Record<string, string> } {
  const positional: string[] = [];
  const opts: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--")) {
      const [k, v] = a.slice(2).split("=", 2);
      opts[k] = v ?? argv[++i] ?? "";
    } else positional.push(a);
  }
  return { positional, opts };
}

async function readInput(file: string | undefined): Promise<{ text: string; source: string }> {
  if (file && file !== "-") return { text: fs.readFileSync(file, "utf8"), source: file };
  if (process.stdin.isTTY) throw new Error("no input: pass the file written by `pulumi preview --json > preview.json`, or pipe it in");
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return { text: Buffer.concat(chunks).toString("utf8"), source: "stdin" };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "export") {
    let options: ReturnType<typeof parseExportArgs>;
    try {
      options = parseExportArgs(rest);
    } catch (e) {
      if (!(e instanceof ExportUsageError)) throw e;
      process.stderr.write(`pulumi-intune export: ${e.message}\n${usage}\n`);
      return 1;
    }
    if (options === "help") {
      process.stdout.write(`usage:\n  ${exportUsage}\n`);
      return 0;
    }
    await runExport({ options });
    return 0;
  }
  const { positional, opts } = flags(rest);
  const format = opts.format ?? "markdown";
  if (!["markdown", "json"].includes(format)) throw new Error(`--format must be "markdown" or "json", got "${format}"`);
  if (command === "review") {
    const failOn = (opts["fail-on"] ?? "").split(",").filter(Boolean) as FailOn[];
    for (const f of failOn) if (!["replace", "delete", "impact", "create", "update"].includes(f)) throw new Error(`--fail-on takes replace, delete, impact, create, update; got "${f}"`);
    const { text, source } = await readInput(positional[0]);
    const report = buildReport(parsePreviewJson(text, source));
    const rendered = format === "json" ? JSON.stringify(report, null, 2) + "\n" : renderMarkdown(report);
    if (opts.out) fs.writeFileSync(opts.out, rendered);
    else process.stdout.write(rendered);
    const violations = policyViolations(report, failOn);
    for (const v of violations) process.stderr.write(`pulumi-intune review: --fail-on ${v}\n`);
    return policyExitCode(report, failOn);
  }
  if (command === "drift") {
    if (!opts.stack) throw new Error("drift needs --stack NAME");
    const cwd = path.resolve(opts.cwd ?? ".");
    const digest = await runRefreshPreview(opts.stack, cwd, process.env.PULUMI_BIN ?? "pulumi");
    const report = driftFromRefresh(opts.stack, digest);
    process.stdout.write(format === "json" ? JSON.stringify(report, null, 2) + "\n" : renderDriftMarkdown(report));
    return report.drifted.length > 0 ? 2 : 0;
  }
  process.stderr.write(`${usage}\n`);
  return command === "--help" || command === "-h" ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`pulumi-intune: ${e.message}\n`);
    process.exit(1);
  },
);
