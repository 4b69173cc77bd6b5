// npm run mutate [-- --only NAME] [--list] [--check] [--no-baseline]
//
// A mutation run you can repeat: each named mutation below breaks one behaviour in the source (one exact
// search text, which must occur exactly once, else the mutation is "stale"), then the unit and
// integration test files that claim that behaviour run against the mutated working tree (mocha on the
// sources, with the test CA that scripts/test.sh sets up). A mutation the tests catch is "killed"; one
// they pass is "survived": a guarantee nobody checks. The source is restored after each mutation, also
// on Ctrl-C and on errors. Exit 0 only when every mutation ran was killed. See docs/testing.md.
import { type ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { ensureCertificates } from "../emulator";

interface Mutation {
  /** Short, unique, kebab-case. */
  readonly name: string;
  /** The behaviour the mutation breaks, for the report and docs/testing.md. */
  readonly means: string;
  /** Repository-relative file to mutate. */
  readonly file: string;
  /** Exact text that must occur exactly once in `file`. */
  readonly search: string;
  readonly replace: string;
  /** Test files (repository-relative) that must fail. */
  readonly tests: readonly string[];
  /** Only the tests whose full title matches (mocha --grep): this test, not its neighbours, must fail. */
  readonly grep?: string;
  /** Why a survivor is expected for now (printed next to it; it still counts as survived). */
  readonly pending?: string;
}

const unit = (f: string) => `test/unit/${f}.test.ts`;
const integration = (f: string) => `test/integration/${f}.test.ts`;

/** A forbidden import added at the top of the drift model (provider/email/managed.ts). */
const forbiddenImport = (name: string, what: string, line: string): Mutation => ({
  name: `independence-${name}`,
  means: `provider/ reaches the emulator or a defaults table through ${what}`,
  file: "provider/email/managed.ts",
  search: 'import { deepEqual } from "../diff";\n',
  replace: `import { deepEqual } from "../diff";\n${line}\n`,
  tests: [unit("provider/independence")],
  grep: "provider/email/managed.ts",
});

export const mutations: readonly Mutation[] = [
  // --- the issue's list ---
  {
    name: "create-resent-after-5xx",
    means: "createOnce re-sends a create after 500/502/504 without looking the object up (the lookup only after a lost connection)",
    file: "provider/resources/createOnce.ts",
    search: "      const committed = await find();\n",
    replace: "      const committed = (e as { statusCode?: number }).statusCode === 0 ? await find() : undefined;\n",
    tests: [integration("provider/exactlyOnce")],
    pending: "needs the emulator's commit-then-5xx faults (error-after, bad-gateway-after, gateway-timeout-after; issue 16, another branch)",
  },
  {
    name: "read-ahead-answers-twice",
    means: "a listed object answers every read of its id in the run, not one (a second read in the run would see the listing, not the tenant)",
    file: "provider/readAhead.ts",
    search: "    found.unread.delete(id);\n",
    replace: "",
    tests: [unit("provider/readAhead")],
  },
  {
    name: "read-ahead-never-ages",
    means: "a refresh listing answers reads however old it is",
    file: "provider/readAhead.ts",
    search: "this.now() - listing.at <= this.maxAgeInMs",
    replace: "true",
    tests: [unit("provider/readAhead")],
  },
  {
    name: "fleet-refresh-keeps-state-inputs",
    means: "fleet drift's own refresh keeps the state's inputs instead of what the provider read (no drift is ever found)",
    file: "cli/fleetRefresh.ts",
    search: "const newInputs = read.inputs ? asEngineRecords({ ...read.inputs, ...module }) : inputs;",
    replace: "const newInputs = inputs;",
    tests: [integration("cli/fleetRefresh")],
  },
  {
    name: "fleet-refresh-keeps-key-order",
    means: "fleet drift's own refresh compares what the provider read in its own key order with the state's sorted keys (every object in a list reads as drift)",
    file: "cli/fleetRefresh.ts",
    search: "      .sort()\n",
    replace: "",
    tests: [integration("cli/fleetRefresh")],
  },
  {
    name: "fleet-refresh-takes-any-stack",
    means: "fleet drift reads every stack itself, also one with another provider's resources (which it cannot read: they would never show drift)",
    file: "cli/fleetRefresh.ts",
    search: "if ((d.pending_operations ?? []).length > 0) return false;",
    replace: "return true;",
    tests: [unit("cli/fleetRefresh")],
  },
  {
    name: "read-ahead-lists-one-type-at-a-time",
    means: "past the direct reads, only the type being read is listed; the types read before it wait for their own next read (listings one after another, not side by side)",
    file: "provider/readAhead.ts",
    search: "for (const t of this.seen) this.listOnce(t);",
    replace: "this.listOnce(typeName);",
    tests: [unit("provider/readAhead")],
  },
  {
    name: "record-changes-on-refresh",
    means: "the stack record is an update whenever its inputs carry impact facts, also in a refresh (which diffs the last up's inputs): a refresh of an unchanged stack reports a change",
    file: "provider/resources/declaredResources.ts",
    search: "return { changes: facts !== \"{}\" && facts === run.impact.factsCarried };",
    replace: "return { changes: facts !== \"{}\" };",
    tests: [unit("provider/declaredResources")],
  },
  {
    name: "update-reads-every-link",
    means: "the read-back after an update reads every certificate link of the type, not the ones a refresh would read (four extra GETs per iOS profile update)",
    file: "provider/resources/emailProfile.ts",
    search: "return { outs: await snapshotAfterWrite(run, id, platform, declared, carried(news), links) };",
    replace: "return { outs: await snapshotAfterWrite(run, id, platform, declared, carried(news), true || links) };",
    tests: [integration("provider/emailProfile")],
    grep: "an update reads back the profile",
  },
  {
    name: "read-ahead-never-lists-unread-types",
    means: "a large refresh lists only the types it has read so far: a type first met late in the state stops its reads for a listing's round trip",
    file: "provider/readAhead.ts",
    search: "if (this.reads > this.allTypesAfterReads) for (const t of this.allTypes) this.listOnce(t);",
    replace: "",
    tests: [unit("provider/readAhead")],
  },
  {
    name: "expanded-assignments-unchecked",
    means: "an assignment set expanded by a refresh listing is taken as is, even when it lacks assignments the resource owns (a service that expands nothing would read as every assignment gone)",
    file: "provider/resources/profileAssignment.ts",
    search: "const vouched = listed && Object.values(owned).every((a) => listed.some((l) => l.id === a));",
    replace: "const vouched = listed;",
    tests: [integration("provider/readAhead")],
  },
  {
    name: "expand-refusal-ends-listing",
    means: "a tenant that refuses `$expand=assignments` on a listing gets no listing at all (every refresh read goes direct)",
    file: "provider/run.ts",
    search: "        this.expandRefused = true;\n",
    replace: "        throw e;\n",
    tests: [integration("provider/readAhead")],
  },
  {
    name: "listed-read-drops-links",
    means: "a profile read from a listing reports no certificate links (they are not in a listing and must still be read)",
    file: "provider/resources/deviceConfiguration.ts",
    search: "...routes.map((r) => ({ id: r.input, path: routeOf(r) }))];",
    replace: "...(listed ? [] : routes).map((r) => ({ id: r.input, path: routeOf(r) }))];",
    tests: [integration("provider/readAhead")],
  },
  {
    name: "export-stale-pem-kept",
    means: "an export into the same folder keeps the PEM file of a root the tenant no longer has",
    file: "cli/export.ts",
    search: "const stale = fs.existsSync(pemDir) ?",
    replace: "const stale = false ?",
    tests: [integration("cli/export")],
    grep: "removes the PEM file of a root the tenant no longer has",
  },
  {
    name: "scope-tag-left-behind-not-taken-over",
    means: "a scope tag that a killed run committed (same name and description) blocks the next create instead of being taken over",
    file: "provider/resources/scopeTag.ts",
    search: '(existing.description ?? "") === body.description) return existing;',
    replace: '(existing.description ?? "") === body.description && false) return existing;',
    tests: [integration("provider/scopeTag")],
    grep: "takes over the tag a killed run committed",
  },
  {
    name: "scope-tag-takeover-ignores-run",
    means: "a second ScopeTag of one name in one run takes over the first one's tag (two resources, one tag)",
    file: "provider/resources/scopeTag.ts",
    search: "!existing.isBuiltIn && !run.adopted.has(existing.id) &&",
    replace: "!existing.isBuiltIn &&",
    tests: [integration("provider/scopeTag")],
    grep: "refuses a second tag of one name in one run",
  },
  {
    name: "certificate-create-skips-lookup",
    means: "the create of a trusted root or certificate profile re-sends its POST after 500/502/504 without looking up what the first one committed",
    file: "provider/resources/certificateProfile.ts",
    search: "      const committed = await findUnansweredCreate(run, info.typeName, info.model, declared);\n",
    replace: "      const committed = undefined;\n",
    tests: [integration("provider/certificateExactlyOnce")],
  },
  {
    name: "certificate-delete-retry-404-fails",
    means: "a DELETE of a trusted root or certificate profile whose answer was lost and whose retry gets 404 fails instead of counting as done",
    file: "provider/resources/certificateProfile.ts",
    search: "    await run.graph.delete(configurationPath(id));\n",
    replace: '    if (!(await run.graph.delete(configurationPath(id)))) throw new Error("the DELETE answered 404");\n',
    tests: [integration("provider/certificateExactlyOnce")],
  },
  {
    name: "batch-charged-as-one",
    means: "the limiter the Graph client uses charges a $batch as one request instead of one per sub-request",
    file: "provider/graph.ts",
    search: "const cost = batch ? batchCost(batch.map((r) => String(r.method))) : costOf(contextMethod(context));",
    replace: "const cost = costOf(contextMethod(context));",
    tests: [unit("provider/graphLimiter")],
  },
  {
    name: "drift-exits-0",
    means: "`pulumi-intune drift` exits 0 when it found drift",
    file: "cli/commands.ts",
    search: "      return report.drifted.length > 0 ? 2 : 0;\n",
    replace: "      return 0;\n",
    tests: [unit("cli/driftExit")],
  },
  forbiddenImport("relative", "a relative import", 'import "../../emulator/dialects";'),
  forbiddenImport("package-name", "a package-name self-import of dist/", 'import "pulumi-intune/dist/emulator/dialects";'),
  forbiddenImport("dist-path", "a relative import of dist/", 'import "../../dist/emulator/dialects.js";'),
  forbiddenImport("json-table", "a .json table", 'const defaultsTable: unknown = require("../../schema/defaults.json");'),
  forbiddenImport("computed-require", "a computed require()", 'const load = (m: string): unknown => require(m);'),
  forbiddenImport("computed-import", "a computed import()", "const loadLater = (m: string) => import(m);"),
  forbiddenImport("dynamic-import", "a dynamic import() with a literal", 'const later = () => import("../../emulator/validation");'),
  forbiddenImport("reexport", "a transitive re-export (through test/support/testEmulator.ts)", 'export { startTestEmulator } from "../../test/support/testEmulator";'),
  forbiddenImport("path-string", "a path into the emulator in a string", 'const table = require("fs").readFileSync(`${__dirname}/../../emulator/dialects.ts`, "utf8");'),
  {
    name: "host-name-check-off",
    means: "validation: `settings.hostName` is not checked to be a DNS host name (the SDK's provider module test used to load dist/ and pass)",
    file: "provider/email/settings.ts",
    search: "s = z.string().min(1).refine((v) => isUnknown(v) || isDnsHostName(v), (v) => ({",
    replace: "s = z.string().min(1).refine((v) => v === v, (v) => ({",
    tests: [unit("sdk/provider"), unit("provider/emailProfileCheck")],
  },
  // --- one per wrong-reason test that was fixed (each run with --grep on the fixed test only) ---
  {
    name: "wrong-reason-scopeTag-unknown-check",
    means: "check rejects values unknown during preview (isUnknown never true); scopeTag.test.ts:28",
    file: "provider/validation.ts",
    search: "  return v === UNKNOWN;\n",
    replace: "  return false;\n",
    tests: [unit("provider/scopeTag")],
    grep: "accepts values unknown during preview",
  },
  {
    name: "wrong-reason-scopeTag-unknown-diff",
    means: "diff does not treat an unknown value as a change; scopeTag.test.ts:45",
    file: "provider/diff.ts",
    search: "keys.filter((k) => containsUnknown(news[k]) || !deepEqual(olds[k], news[k]))",
    replace: "keys.filter((k) => !deepEqual(olds[k], news[k]))",
    tests: [unit("provider/scopeTag")],
    grep: "treats an unknown value as a change",
  },
  {
    name: "wrong-reason-assignment-unknown-groups",
    means: "two group targets with ids unknown at preview are called duplicates; profileAssignment.test.ts:47",
    file: "provider/resources/profileAssignment.ts",
    search: "    if (t.groupId && isUnknown(t.groupId)) return;\n",
    replace: "",
    tests: [unit("provider/profileAssignment")],
    grep: "accepts group ids unknown during preview",
  },
  {
    name: "wrong-reason-settings-not-an-object",
    means: "`settings` that is not an object is not refused as such; emailCorpus.ts:50",
    file: "provider/email/inputs.ts",
    search: "    settings: z.record(z.unknown()),\n",
    replace: "    settings: z.any(),\n",
    tests: [unit("provider/emailProfileCheck")],
    grep: "settings not an object",
  },
  {
    name: "wrong-reason-portal-assignment",
    means: "the emulator's portal-made assignment differs from an API-made one (source policySets); linksAndAssignments.test.ts:122",
    file: "emulator/seed.ts",
    search: "{ target: validated, intent }",
    replace: '{ target: validated, intent, source: "policySets" }',
    tests: [integration("emulator/linksAndAssignments")],
    grep: "seeds a portal-made assignment",
  },
  {
    name: "wrong-reason-bin-json-line",
    means: "the emulator's bin prints its connection info as more than one line; bin.test.ts:30",
    file: "emulator/bin.ts",
    search: "process.stdout.write(`${JSON.stringify(info)}\\n`);",
    replace: "process.stdout.write(`${JSON.stringify(info, null, 2)}\\n`);",
    tests: [integration("emulator/bin")],
    grep: "exactly one JSON line",
  },
  {
    name: "wrong-reason-corpus-legacy-rule",
    means: "the legacy Android for Work rule is gone, so two corpus rows pass; emailProfileCheck.test.ts:10",
    file: "provider/email/inputs.ts",
    search: "  if (info.legacy && !known(inputs.adoptExistingId) && !isUnknown(inputs.adoptExistingId)) {\n",
    replace: "  if (false) {\n",
    tests: [unit("provider/emailProfileCheck")],
    grep: "rejects at least 60 bad inputs",
  },
  {
    name: "wrong-reason-npm-test-tiers",
    means: "`npm test` no longer runs the e2e tier; readme.test.ts:24",
    file: "scripts/test.sh",
    search: 'npx mocha --config .mocharc.json --timeout 60000 --parallel --jobs "${E2E_JOBS:-3}" "${e2e_files[@]}"',
    replace: 'echo "e2e: skipped"',
    tests: [unit("docs/readme")],
    grep: "runs a script that runs every tier",
  },
  // --- drift model (provider/email/managed.ts) ---
  {
    name: "drift-undeclared-not-restored",
    means: "a setting the program never declared, moved in the portal, is not written back to its baseline",
    file: "provider/email/managed.ts",
    search: "      settings[k] = baseline.settings[k] ?? null;\n",
    replace: "      void 0;\n",
    tests: [unit("provider/emailProfileTruth")],
  },
  {
    name: "drift-empty-description-differs",
    means: "a description the tenant answers as null differs from the program's \"\" (phantom change after every up)",
    file: "provider/email/managed.ts",
    search: '  return (a ?? "") === (b ?? "");\n',
    replace: "  return a === b;\n",
    tests: [unit("provider/emailProfileTruth"), integration("provider/emailProfile")],
  },
  {
    name: "drift-scope-tags-ordered",
    means: "scope tags compared as ordered lists without the Default tag for an empty set",
    file: "provider/email/managed.ts",
    search: "  return deepEqual(normaliseScopeTagIds(a), normaliseScopeTagIds(b));\n",
    replace: "  return deepEqual(a ?? [], b ?? []);\n",
    tests: [unit("provider/emailProfileTruth"), integration("provider/emailProfile")],
  },
  {
    name: "drift-refresh-hides-change",
    means: "refresh reports the declared value of a declared setting even where the tenant differs (drift never shows)",
    file: "provider/email/managed.ts",
    search: "    if (k in declared.settings) settings[k] = sameSetting(declared.settings[k], observed.settings[k]) ? declared.settings[k] : (observed.settings[k] ?? null);\n",
    replace: "    if (k in declared.settings) settings[k] = declared.settings[k];\n",
    tests: [unit("provider/emailProfileTruth"), integration("provider/emailProfile")],
  },
  {
    name: "drift-unmanaged-forgotten",
    means: "a setting no longer declared is not reported as no longer managed",
    file: "provider/email/managed.ts",
    search: "    for (const k of Object.keys(previouslyDeclared.settings)) if (!(k in declared.settings)) unmanaged.push(`settings.${k}`);\n",
    replace: "",
    tests: [unit("provider/emailProfileTruth"), integration("provider/emailProfile")],
  },
  // --- validation ---
  {
    name: "validation-eas-none-combined",
    means: "easServices may combine \"none\" with other services",
    file: "provider/email/settings.ts",
    search: '        if (list.includes("none") && list.length > 1) ctx.addIssue(',
    replace: '        if (false) ctx.addIssue(',
    tests: [unit("provider/emailProfileCheck")],
  },
  {
    name: "validation-scope-tag-digits",
    means: "scopeTagIds accept ids that are not digits",
    file: "provider/email/inputs.ts",
    search: '.array(z.string().refine((v) => isUnknown(v) || /^\\d+$/.test(v), { message: "must be a scope tag id (digits, e.g. \\"0\\")" }))',
    replace: '.array(z.string().refine((v) => v === v, { message: "must be a scope tag id (digits, e.g. \\"0\\")" }))',
    tests: [unit("provider/emailProfileCheck")],
  },
  {
    name: "validation-certificate-auth",
    means: "certificate authentication without an identity certificate passes check",
    file: "provider/email/inputs.ts",
    search: '    if (auth === "certificate" && has.has("identityCertificateId") && inputs.identityCertificateId === undefined)\n',
    replace: "    if (false)\n",
    tests: [unit("provider/emailProfileCheck")],
  },
  // --- impact rules (provider/impact/) ---
  {
    name: "impact-device-group-silent",
    means: "no warning when a profile is assigned to a device group",
    file: "provider/impact/analyze.ts",
    search: "    if (deviceGroups.length > 0) facts.push(",
    replace: "    if (false) facts.push(",
    tests: [integration("provider/impact")],
  },
  {
    name: "impact-removal-silent",
    means: "no warning that removing targets removes the e-mail account from those devices",
    file: "provider/impact/analyze.ts",
    search: "  if (removedGroups.length > 0 || lostAllUsers || lostAllDevices)\n",
    replace: "  if (false)\n",
    tests: [integration("provider/impact")],
  },
  {
    name: "impact-root-gap-silent",
    means: "no warning when the trusted root certificate does not reach the profile's groups",
    file: "provider/impact/analyze.ts",
    search: "      if (rootMissing.length > 0)\n",
    replace: "      if (false)\n",
    tests: [integration("provider/impact")],
  },
  {
    name: "impact-certificate-target-kind-silent",
    means: "no warning when a trusted root goes only to user groups and its certificate profile only to device groups (or the reverse)",
    file: "provider/impact/analyze.ts",
    search: "    if (shared.length === 0) {\n",
    replace: "    if (false) {\n",
    tests: [integration("provider/certificateProfile")],
    grep: "different kinds of group",
  },
  {
    name: "impact-prompt-new-recipients",
    means: "the reconfiguration prompt also counts groups that only now receive the profile",
    file: "provider/impact/analyze.ts",
    search: "  const ids = [...(await assignedGroups(run, profile, { tenantOnly: true }))];\n",
    replace: "  const ids = [...(await assignedGroups(run, profile))];\n",
    tests: [integration("provider/impact")],
  },
  {
    name: "impact-ios-not-blocked",
    means: "iOS duplicate accounts described as overwritten instead of blocked",
    file: "provider/impact/analyze.ts",
    search: '    if (profile.platform === "iosIpados") facts.push(',
    replace: '    if (profile.platform === ("none" as string)) facts.push(',
    tests: [integration("provider/impact")],
  },
  // --- certificate-based e-mail in export and status ---
  {
    name: "export-certificate-link-as-id",
    means: "export writes an e-mail profile's link to an exported certificate profile as an id, not as code",
    file: "cli/export.ts",
    search: '        if (target && target.kind === "CertificateProfile" && certificatePlatformOfEmail[p.platform]',
    replace: '        if (false && target && target.kind === "CertificateProfile" && certificatePlatformOfEmail[p.platform]',
    tests: [unit("cli/export"), integration("cli/export")],
  },
  {
    name: "export-root-link-as-id",
    means: "export writes a certificate profile's link to an exported trusted root as an id, not as code",
    file: "cli/export.ts",
    search: "    if (target) return `${target.variable}.id`;\n",
    replace: "    if (false) return `${target!.variable}.id`;\n",
    tests: [unit("cli/export"), integration("cli/export")],
  },
  {
    name: "export-refused-setting-kept",
    means: "export keeps a certificate setting that `check` refuses (a renewal threshold of 0) and gives the profile up",
    file: "cli/export.ts",
    search: "    if (droppable.length === 0) return { reason:",
    replace: "    if (droppable.length >= 0) return { reason:",
    tests: [unit("cli/export")],
  },
  {
    name: "status-root-unnamed",
    means: "status does not name the trusted root behind a certificate profile's error",
    file: "cli/status.ts",
    search: "        if (why && root) {\n",
    replace: "        if (false) {\n",
    tests: [unit("cli/status"), integration("emulator/statusCli")],
  },
  {
    name: "status-certificate-error-unexplained",
    means: "status does not say that an e-mail error comes from a certificate in error on the device",
    file: "cli/status.ts",
    search: "          } else if (failsOn(cert, key)) {\n",
    replace: "          } else if (false) {\n",
    tests: [unit("cli/status"), integration("emulator/statusCli")],
  },
  {
    name: "emulator-root-rule-off",
    means: "the emulator delivers a certificate profile where its linked trusted root is deleted or does not reach",
    file: "emulator/deviceStatus.ts",
    search: "    if (link) {\n",
    replace: "    if (false) {\n",
    tests: [unit("emulator/deviceStatus"), integration("emulator/statusCli")],
  },
  {
    name: "emulator-certificate-error-not-propagated",
    means: "the emulator delivers a certificate e-mail profile where its certificate profile is in error",
    file: "emulator/deviceStatus.ts",
    search: " || certificate.notIssued.has(device.id)",
    replace: "",
    tests: [unit("emulator/deviceStatus")],
  },
  {
    name: "engine-address-dropped",
    means: "the provider module no longer hands the host's engine address to configure: warnings reach stderr, not the engine",
    file: "sdk/provider.ts",
    search: ",{engineAddress:process.argv.at(-1)}",
    replace: "",
    tests: [unit("sdk/provider")],
  },
  {
    name: "baseline-unchecked-in-program",
    means: "a plain `pulumi preview` of a stack that overrides a mandatory baseline key declares its resources",
    file: "sdk/provider.ts",
    search: "    assertStackBaseline();\n",
    replace: "",
    tests: [unit("sdk/baseline")],
    grep: "before declaring",
  },
];

// ------------------------------------------------------------------------------------------------

const repo = path.resolve(__dirname, "..");
type Outcome = "killed" | "survived" | "stale";

/** The mutation being applied now: restored by whoever gets there first (finally, a signal, a crash). */
let applied: { file: string; original: string } | undefined;
let child: ChildProcess | undefined;

function restore(): void {
  if (!applied) return;
  fs.writeFileSync(path.join(repo, applied.file), applied.original);
  applied = undefined;
}

function onSignal(signal: NodeJS.Signals): void {
  if (child?.pid) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  restore();
  process.stderr.write(`\nmutate: ${signal}: source restored\n`);
  process.exit(130);
}

/** Runs mocha on `files` (own process group, so a signal can stop all of it). Resolves with its exit code. */
function mocha(files: readonly string[], env: NodeJS.ProcessEnv, grep: string | undefined, log: string): Promise<number> {
  const args = [require.resolve("mocha/bin/mocha.js"), "--config", ".mocharc.json", "--timeout", "60000", ...(grep ? ["--grep", grep] : []), ...files];
  return new Promise((resolve) => {
    const out = fs.openSync(log, "w");
    child = spawn(process.execPath, args, { cwd: repo, env, stdio: ["ignore", out, out], detached: true });
    const timer = setTimeout(() => child?.pid && process.kill(-child.pid, "SIGKILL"), 15 * 60_000);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      fs.closeSync(out);
      child = undefined;
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/** How many tests mocha ran in a log (the reporter's closing line), for "killed by 0 tests" sanity. */
function ranTests(log: string): { passed: number; failed: number } | undefined {
  const m = /^tests: (\d+) passed, (\d+) failed/m.exec(fs.readFileSync(log, "utf8"));
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : undefined;
}

function count(text: string, search: string): number {
  let n = 0;
  for (let i = text.indexOf(search); i >= 0; i = text.indexOf(search, i + 1)) n++;
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: "string", multiple: true },
      list: { type: "boolean", default: false },
      check: { type: "boolean", default: false },
      "no-baseline": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write("usage: npm run mutate -- [--only NAME]… [--list] [--check] [--no-baseline]\n  --list: the mutations; --check: which are stale, without running tests\n");
    return 0;
  }
  const names = new Set(mutations.map((m) => m.name));
  if (names.size !== mutations.length) throw new Error("mutation names must be unique");
  for (const n of values.only ?? []) if (!names.has(n)) throw new Error(`--only: no mutation named "${n}" (npm run mutate -- --list)`);
  const selected = values.only ? mutations.filter((m) => values.only!.includes(m.name)) : mutations;
  if (values.list) {
    for (const m of selected) process.stdout.write(`${m.name}\n  ${m.means}\n  ${m.file} -> ${m.tests.join(" ")}${m.grep ? ` (--grep "${m.grep}")` : ""}\n`);
    return 0;
  }
  if (values.check) {
    const stale = selected.filter((m) => count(fs.readFileSync(path.join(repo, m.file), "utf8"), m.search) !== 1);
    for (const m of stale) process.stdout.write(`stale    ${m.name}: search text found ${count(fs.readFileSync(path.join(repo, m.file), "utf8"), m.search)} times in ${m.file}\n`);
    process.stdout.write(`${selected.length - stale.length} of ${selected.length} mutations apply\n`);
    return stale.length === 0 ? 0 : 1;
  }

  // Refuse to mutate files with uncommitted changes: restoring them must give back exactly what was there,
  // and a dirty file means a run that tests something other than the commit.
  const files = [...new Set(selected.map((m) => m.file))];
  const dirty = spawnSync("git", ["status", "--porcelain", "--", ...files], { cwd: repo, encoding: "utf8" });
  if (dirty.status !== 0) throw new Error(`git status failed: ${dirty.stderr}`);
  if (dirty.stdout.trim()) {
    process.stderr.write(`mutate: refusing to start, these files have uncommitted changes:\n${dirty.stdout}`);
    return 1;
  }

  // The test CA of scripts/test.sh: in-process emulators and Node's TLS must trust the same one.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-intune-mutate-"));
  const caDir = path.join(work, "test-ca");
  ensureCertificates(caDir);
  const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_INTUNE_TEST_CA_DIR: caDir, NODE_EXTRA_CA_CERTS: path.join(caDir, "ca.pem") };

  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("exit", restore);

  if (!values["no-baseline"]) {
    // A mutation "killed" by tests that fail anyway proves nothing: the tests must pass unmutated first.
    const all = [...new Set(selected.flatMap((m) => m.tests))];
    process.stdout.write(`baseline: ${all.length} test files on the unmutated source … `);
    const log = path.join(work, "baseline.log");
    const code = await mocha(all, env, undefined, log);
    if (code !== 0) {
      process.stdout.write(`FAILED (log: ${log})\nmutate: the tests fail without any mutation; fix them first\n`);
      return 1;
    }
    process.stdout.write(`pass\n`);
  }

  const results: { m: Mutation; outcome: Outcome; detail: string }[] = [];
  for (const m of selected) {
    const file = path.join(repo, m.file);
    const original = fs.readFileSync(file, "utf8");
    const n = count(original, m.search);
    const started = Date.now();
    let outcome: Outcome;
    let detail: string;
    if (n !== 1) {
      outcome = "stale";
      detail = `search text found ${n} times in ${m.file}`;
    } else {
      const log = path.join(work, `${m.name}.log`);
      applied = { file: m.file, original };
      try {
        fs.writeFileSync(file, original.replace(m.search, () => m.replace));
        const code = await mocha(m.tests, env, m.grep, log);
        const ran = ranTests(log);
        if (ran && ran.passed + ran.failed === 0) {
          outcome = "stale";
          detail = `no test ran (--grep "${m.grep}" matches nothing?) log: ${log}`;
        } else {
          outcome = code === 0 ? "survived" : "killed";
          detail = `${ran ? `${ran.failed} of ${ran.passed + ran.failed} tests failed` : `mocha exit ${code}`}, ${Math.round((Date.now() - started) / 1000)} s, log: ${log}`;
        }
      } finally {
        restore();
      }
    }
    results.push({ m, outcome, detail });
    process.stdout.write(`${outcome.padEnd(8)} ${m.name}: ${detail}${outcome === "survived" && m.pending ? `\n         expected for now: ${m.pending}` : ""}\n`);
  }

  const by = (o: Outcome) => results.filter((r) => r.outcome === o);
  process.stdout.write(`\nmutations: ${results.length}, killed ${by("killed").length}, survived ${by("survived").length}, stale ${by("stale").length}\n`);
  for (const r of [...by("survived"), ...by("stale")]) process.stdout.write(`  ${r.outcome}: ${r.m.name} — ${r.m.means}\n`);
  fs.rmSync(caDir, { recursive: true, force: true });
  return results.every((r) => r.outcome === "killed") ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    restore();
    process.stderr.write(`mutate: ${e.message}\n`);
    process.exitCode = 1;
  },
);
