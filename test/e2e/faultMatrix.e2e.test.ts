// Exactly once under combined faults, through the real Pulumi CLI: profiles of every platform, scope tags
// and assignments through create, update, refresh and delete while the emulator's seeded chaos fails
// ≥ 10% of the Graph requests of every method (429 with and without Retry-After, 500, 502, 503, 504,
// 500/502/504 after the commit, connections dropped before and after the commit), plus queued
// commit-then-5xx faults on the creates, updates and deletes of every resource kind. Each `up`
// converges within two runs, each resource is exactly one Graph object, the preview afterwards is
// empty, and destroy leaves nothing of ours.
import * as assert from "assert";
import { SEEDED_GROUPS } from "../../emulator";
import type { EmulatorClient, LoggedRequest } from "../support/emulatorClient";
import { driftFromRefresh } from "../../cli/drift";
import { changingSteps, type PulumiProject, type PulumiResult, useEmulatorStack } from "./harness";

const profilesPath = "/deviceManagement/deviceConfigurations";
const displayNames = [
  "iOS: Exchange (minimal)",
  "iOS: Exchange for all iPhones",
  "Samsung Knox: Exchange (minimal)",
  "Samsung Knox: Exchange",
  "Android Enterprise Gmail (minimal)",
  "Android Enterprise: Gmail",
  "Android Enterprise Nine Work (minimal)",
  "Android Enterprise: Nine Work",
  "Windows 10: Exchange (minimal)",
  "Windows 10: E-mail settings for all Windows 10 devices",
  "Windows Phone 8.1: Exchange (minimal)",
  "Windows Phone 8.1: Exchange",
];
const tagNames = ["Mail admins (e-mail profiles example)", "Helpdesk (e-mail profiles example)"];
/** The faults that commit, then answer 500, 502 or 504. */
const AFTER_COMMIT = ["error-after", "bad-gateway-after", "gateway-timeout-after"];
const assignments = { "ios-min": [SEEDED_GROUPS.salesUsers.id], "knox-max": [SEEDED_GROUPS.fieldEngineers.id, SEEDED_GROUPS.allStaff.id], "win10-min": [SEEDED_GROUPS.salesUsers.id] };

describe("e2e: exactly once under combined faults (seeded chaos) with the real Pulumi CLI", function () {
  this.timeout(1_500_000);
  let emulator: EmulatorClient;
  let project: PulumiProject;
  const runs: Record<string, number> = {};
  const injected: Record<string, number> = {};
  let seen = 0;
  /** `METHOD fault` of every commit-then-5xx the emulator applied (queued or drawn by chaos). */
  const afterCommit = new Set<string>();
  /** The request log of every step (taken and cleared after each, so it never overflows). */
  const logged: LoggedRequest[] = [];

  /** Turns chaos on or off; turning it off adds what it injected to the totals. */
  const chaos = async (rate: number) => {
    if (rate === 0) {
      const report = (await emulator.request("GET", "/_emulator/chaos")).body;
      seen += report.requestsSeen;
      for (const [k, n] of Object.entries(report.injected as Record<string, number>)) injected[k] = (injected[k] ?? 0) + n;
    }
    const r = await emulator.config({ chaos: { rate, seed: 20261201 } });
    assert.strictEqual(r.status, 200, JSON.stringify(r.body));
  };
  /** Runs `pulumi <args>` until it succeeds, at most twice, and counts the runs. */
  const converge = async (label: string, args: string[]): Promise<PulumiResult> => {
    let last: PulumiResult | undefined;
    for (let attempt = 1; attempt <= 2; attempt++) {
      last = await project.pulumi(args);
      runs[label] = attempt;
      if (last.code === 0) return last;
    }
    throw new Error(`pulumi ${args.join(" ")} did not converge within two runs\n${last!.stdout}\n${last!.stderr}`);
  };
  /** Queues each commit-then-5xx once on `method` requests to `path`, and notes which ones the log shows applied. */
  const queueAfterCommit = async (method: string, path: string) => {
    for (const fault of AFTER_COMMIT) await emulator.injectFault({ match: { method, path }, fault, count: 1 });
  };
  const noteAfterCommit = async () => {
    const log = await emulator.requests();
    logged.push(...log);
    // A rule left over (e.g. a third fault for two scope tags) must not reach the next step.
    await emulator.clearFaults();
    for (const r of log) {
      for (const f of (r.fault ?? "").split(",")) if (AFTER_COMMIT.includes(f.replace(/^chaos:/, ""))) afterCommit.add(`${r.method} ${f.replace(/^chaos:/, "")}`);
    }
    await emulator.clearRequests();
  };
  const live = async () => (await emulator.graph("GET", `${profilesPath}?$top=999`)).body.value as any[];
  const tags = async () => ((await emulator.graph("GET", "/deviceManagement/roleScopeTags?$top=999")).body.value as any[]).filter((t) => !t.isBuiltIn);
  /** Exactly one Graph object per resource of the stack. */
  const assertExactlyOne = async () => {
    const profiles = await live();
    for (const name of displayNames) assert.strictEqual(profiles.filter((p) => p.displayName === name).length, 1, `${name} in ${JSON.stringify(profiles.map((p) => p.displayName))}`);
    assert.strictEqual(profiles.length, displayNames.length, JSON.stringify(profiles.map((p) => p.displayName)));
    assert.deepStrictEqual((await tags()).map((t) => t.displayName).sort(), [...tagNames].sort());
    const byName = new Map(profiles.map((p) => [p.displayName, p.id]));
    const expectAssigned: [string, number][] = [["iOS: Exchange (minimal)", 1], ["Samsung Knox: Exchange", 2], ["Windows 10: Exchange (minimal)", 1]];
    for (const [name, count] of expectAssigned) {
      const a = (await emulator.graph("GET", `${profilesPath}/${byName.get(name)}/assignments`)).body.value as any[];
      assert.strictEqual(a.length, count, name);
    }
  };

  useEmulatorStack("email-profiles", (s) => void ({ emulator, project } = s), { program: "javascript" });

  it("creates everything under chaos, converging within two runs, exactly one object per resource", async () => {
    await project.setConfig({ assignments });
    await chaos(0.15);
    // Commit, then 500/502/504 on the creates of every kind: profiles, scope tags, assignments.
    await queueAfterCommit("POST", "deviceConfigurations$");
    await queueAfterCommit("POST", "roleScopeTags$");
    await queueAfterCommit("POST", "/assignments$");
    await converge("create", ["up", "--yes", "--skip-preview"]);
    await chaos(0);
    await noteAfterCommit();
    await assertExactlyOne();
    for (const f of AFTER_COMMIT) assert.ok(afterCommit.has(`POST ${f}`), `POST ${f} applied: ${[...afterCommit].join(", ")}`);
  });

  it("updates under chaos, and refresh under chaos reports no drift", async () => {
    const week = { settings: { durationOfEmailToSync: "oneWeek" } };
    await project.setConfig({ assignments, overrides: { "ios-min": week, "knox-min": week, "gmail-min": week, "nine-min": week, "win10-min": week, "wp81-min": week, "win10-max": { settings: { syncTasks: false } } } });
    await chaos(0.15);
    // Chaos decides per request; these make sure the few PATCHes meet a fault too, before and after the commit.
    await emulator.injectFault({ match: { method: "PATCH" }, fault: "unavailable", count: 2 });
    await queueAfterCommit("PATCH", "deviceConfigurations/");
    await converge("update", ["up", "--yes", "--skip-preview"]);
    await noteAfterCommit();
    for (const f of AFTER_COMMIT) assert.ok(afterCommit.has(`PATCH ${f}`), `PATCH ${f} applied: ${[...afterCommit].join(", ")}`);
    const refresh = await converge("refresh", ["refresh", "--preview-only", "--json"]);
    assert.deepStrictEqual(driftFromRefresh(project.stack, JSON.parse(refresh.stdout)).drifted, []);
    await converge("refresh", ["refresh", "--yes", "--skip-preview"]);
    await chaos(0);
    await assertExactlyOne();
    assert.strictEqual((await live()).find((p) => p.displayName === "iOS: Exchange (minimal)").durationOfEmailToSync, "oneWeek");
    assert.deepStrictEqual(changingSteps(await project.previewJson()), []);
  });

  it("deletes under chaos: destroy leaves nothing of ours, and every method met faults", async () => {
    await chaos(0.15);
    await emulator.injectFault({ match: { method: "DELETE" }, fault: "gateway-timeout", count: 2 });
    // Commit, then 5xx on deletes of every kind: the retry's 404 counts as done.
    await queueAfterCommit("DELETE", "/assignments/");
    await queueAfterCommit("DELETE", "roleScopeTags/");
    await queueAfterCommit("DELETE", "deviceConfigurations/[^/]+$");
    await converge("destroy", ["destroy", "--yes", "--skip-preview"]);
    await chaos(0);
    const ours = (await live()).filter((p) => displayNames.includes(p.displayName));
    assert.deepStrictEqual(ours, []);
    assert.deepStrictEqual(await tags(), []);
    // The mix really was combined, on every method.
    await noteAfterCommit();
    const log = logged;
    for (const f of AFTER_COMMIT) assert.ok(afterCommit.has(`DELETE ${f}`), `DELETE ${f} applied: ${[...afterCommit].join(", ")}`);
    const faulted = log.filter((r) => !!r.fault);
    for (const method of ["GET", "POST", "PATCH", "DELETE"]) {
      const all = log.filter((r) => r.method === method && !r.path.startsWith("/_emulator"));
      assert.ok(faulted.some((r) => r.method === method), `no chaos on ${method} (${all.length} requests)`);
    }
    const total = Object.values(injected).reduce((a, b) => a + b, 0);
    assert.ok(AFTER_COMMIT.some((f) => (injected[f] ?? 0) > 0), `chaos drew commit-then-5xx faults too: ${JSON.stringify(injected)}`);
    assert.ok(total >= 0.1 * seen, `${total} faults in ${seen} requests`);
    process.stdout.write(`      chaos: ${total} faults in ${seen} Graph requests ${JSON.stringify(injected)}; runs per operation ${JSON.stringify(runs)}\n`);
  });
});
