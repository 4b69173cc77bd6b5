// `pulumi-intune fleet` without a backend: stack selection, shards, waves, the baseline rule, engine
// events as a preview digest, status polling with a fake clock, the report (lines, details, the comment
// budget, merging shards) and the command line.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { mandatoryKeys, mandatoryViolations } from "../../../protocol/baseline";
import { globToRegExp, parseDurationInMs, parseShard, planWaves, pool, selectStacks, shardStacks } from "../../../cli/fleetPlan";
import { fleetExitCode, fleetReport, mergeFleetReports, parseFleetReport, renderFleetComment, renderFleetMarkdown, type TenantResult } from "../../../cli/fleetReport";
import { digestFromEvents, failureText, pollStatus } from "../../../cli/fleetRun";
import { fleetOptions } from "../../../cli/fleet";
import { driftFromRefresh } from "../../../cli/drift";
import { main } from "../../../cli/main";
import type { StatusReport } from "../../../cli/status";

const T = ["tenant-a", "tenant-b", "tenant-c", "tenant-d", "tenant-e", "prod-x"];

describe("fleet: stacks, shards and waves", () => {
  it("selects stacks by names and globs, sorted, refusing a glob that matches nothing", () => {
    assert.deepStrictEqual(selectStacks("tenant-*", T).stacks, ["tenant-a", "tenant-b", "tenant-c", "tenant-d", "tenant-e"]);
    assert.deepStrictEqual(selectStacks("prod-x,tenant-[ab]", T), { stacks: ["prod-x", "tenant-a", "tenant-b"], unknown: [] });
    assert.deepStrictEqual(selectStacks("organization/fleet/tenant-a", ["organization/fleet/tenant-a"]).stacks, ["organization/fleet/tenant-a"]);
    // A literal name nobody knows stays in the run, to be reported as broken.
    assert.deepStrictEqual(selectStacks("tenant-a,tenant-z", T), { stacks: ["tenant-a", "tenant-z"], unknown: ["tenant-z"] });
    assert.throws(() => selectStacks("tenat-*", T), /`--stacks` pattern "tenat-\*" matches no stack; the project has prod-x, tenant-a/);
    assert.throws(() => selectStacks("a,,b", T), /`--stacks` takes stack names and globs separated by commas; got "a,,b"/);
    assert.ok(globToRegExp("t?n.*").test("tan.x") && !globToRegExp("t?n.*").test("tanxx"));
  });

  it("shards deterministically: every stack in exactly one shard, balanced, whatever the input order", () => {
    const shards = [1, 2, 3].map((k) => shardStacks([...T].reverse(), { index: k, count: 3 }));
    assert.deepStrictEqual(shards, [
      ["prod-x", "tenant-c"],
      ["tenant-a", "tenant-d"],
      ["tenant-b", "tenant-e"],
    ]);
    assert.deepStrictEqual(shards.flat().sort(), [...T].sort());
    assert.deepStrictEqual(parseShard("2/4"), { index: 2, count: 4 });
    assert.throws(() => parseShard("0/4"), /1 ≤ K ≤ N; got "0\/4"/);
    assert.throws(() => parseShard("5/4"), /1 ≤ K ≤ N/);
    assert.throws(() => parseShard("2of4"), /`--shard` must be K\/N/);
    assert.strictEqual(parseDurationInMs("wave-timeout", "90s"), 90_000);
    assert.throws(() => parseDurationInMs("wave-timeout", "soon"), /`--wave-timeout` must be a duration like 90s, 10m or 1h; got "soon"/);
  });

  it("groups stacks into waves in --waves order; untagged stacks go last; an unlisted wave is refused naming the stack", () => {
    const waves = planWaves(["canary", "rest"], new Map([["tenant-b", undefined], ["tenant-a", "canary"], ["tenant-c", "rest"]]));
    assert.deepStrictEqual(waves, [
      { name: "canary", stacks: ["tenant-a"] },
      { name: "rest", stacks: ["tenant-b", "tenant-c"] },
    ]);
    assert.throws(() => planWaves(["canary", "rest"], new Map([["tenant-a", "pilot"]])), /stack `tenant-a` is in wave "pilot" \(pulumi-intune:wave\), which `--waves canary,rest` does not list/);
    assert.throws(() => planWaves(["a", "a"], new Map()), /names wave "a" twice/);
  });

  it("runs at most N at a time and keeps input order", async () => {
    let running = 0;
    let peak = 0;
    const out = await pool([5, 1, 3, 2, 4], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n * 3));
      running--;
      return n * 10;
    });
    assert.deepStrictEqual(out, [50, 10, 30, 20, 40]);
    assert.strictEqual(peak, 2);
  });
});

describe("fleet: one baseline, per-tenant values", () => {
  it("reads the mandatory keys (a list or a comma-separated string, bare keys in the project's namespace)", () => {
    assert.deepStrictEqual(mandatoryKeys("fleet", { "pulumi-intune:mandatory": { value: ["hostName", "fleet:requireSsl"] } }), ["fleet:hostName", "fleet:requireSsl"]);
    assert.deepStrictEqual(mandatoryKeys("fleet", { "pulumi-intune:mandatory": "hostName, intune:graphEndpoint" }), ["fleet:hostName", "intune:graphEndpoint"]);
    assert.deepStrictEqual(mandatoryKeys("fleet", { "fleet:hostName": "x" }), []);
    assert.throws(() => mandatoryKeys("fleet", { "pulumi-intune:mandatory": 3 }), /`pulumi-intune:mandatory` in Pulumi.yaml must list config keys/);
  });

  it("refuses a stack that sets a mandatory key, naming stack and key; other keys are the tenant's", () => {
    const mandatory = ["fleet:hostName", "fleet:requireSsl"];
    assert.deepStrictEqual(mandatoryViolations("tenant-a", "fleet", mandatory, { "fleet:accountName": "x", "intune:tenantId": "t" }), []);
    const v = mandatoryViolations("tenant-b", "fleet", mandatory, { hostName: "mail.example", "fleet:accountName": "x" });
    assert.strictEqual(v.length, 1);
    assert.match(v[0], /^stack `tenant-b` sets mandatory baseline key `fleet:hostName` \(Pulumi.tenant-b.yaml\)/);
  });
});

const urn = (type: string, name: string) => `urn:pulumi:tenant-a::fleet::${type}::${name}`;
const ev = (e: Partial<EngineEvent>): EngineEvent => ({ sequence: 0, timestamp: 0, ...e }) as EngineEvent;

describe("fleet: engine events as a preview digest", () => {
  it("maps steps (old/new state, diffs, replace keys, detailed diff) and diagnostics as `preview --json` prints them", () => {
    const u = urn("pulumi-nodejs:dynamic/intune:EmailProfile", "ios-mail");
    const digest = digestFromEvents([
      ev({
        resourcePreEvent: {
          metadata: {
            op: "update",
            urn: u,
            type: "pulumi-nodejs:dynamic/intune:EmailProfile",
            provider: "p",
            diffs: ["settings"],
            keys: [],
            detailedDiff: { "settings.hostName": { diffKind: "update", inputDiff: true } },
            old: { type: "t", urn: u, id: "1", parent: "", provider: "p", inputs: { settings: { hostName: "a" } }, outputs: {} },
            new: { type: "t", urn: u, id: "1", parent: "", provider: "p", inputs: { settings: { hostName: "b" } }, outputs: {} },
          },
        },
      } as unknown as Partial<EngineEvent>),
      ev({ diagnosticEvent: { urn: u, message: "users will be prompted", color: "never", severity: "warning" } }),
      ev({ diagnosticEvent: { message: "progress", color: "never", severity: "info", ephemeral: true } }),
    ]);
    assert.deepStrictEqual(digest.steps[0].detailedDiff, { "settings.hostName": { kind: "update", inputDiff: true } });
    assert.deepStrictEqual(digest.steps[0].diffReasons, ["settings"]);
    assert.deepStrictEqual(digest.steps[0].newState?.inputs, { settings: { hostName: "b" } });
    assert.deepStrictEqual(digest.diagnostics, [{ urn: u, message: "users will be prompted", severity: "warning" }]);
  });

  it("takes a refresh step's drift from its outputs event (update with a detailed diff, or delete), as the CLI does", () => {
    const u = urn("pulumi-nodejs:dynamic/intune:EmailProfile", "ios-mail");
    const gone = urn("pulumi-nodejs:dynamic/intune:EmailProfile", "gone");
    const state = (host: string) => ({ type: "t", urn: u, id: "1", parent: "", provider: "p", inputs: { settings: { hostName: host } }, outputs: {} });
    const meta = (op: string, extra: Record<string, unknown> = {}) => ({ op, urn: u, type: "pulumi-nodejs:dynamic/intune:EmailProfile", provider: "p", old: state("a"), new: state("a"), ...extra });
    const digest = digestFromEvents([
      ev({ resourcePreEvent: { metadata: meta("refresh") } } as unknown as Partial<EngineEvent>),
      ev({ resourcePreEvent: { metadata: { ...meta("refresh"), urn: gone } } } as unknown as Partial<EngineEvent>),
      ev({ resOutputsEvent: { metadata: meta("update", { new: state("b"), detailedDiff: { "settings.hostName": { diffKind: "update", inputDiff: true } } }) } } as unknown as Partial<EngineEvent>),
      ev({ resOutputsEvent: { metadata: { ...meta("delete"), urn: gone, new: undefined } } } as unknown as Partial<EngineEvent>),
    ]);
    assert.deepStrictEqual(digest.steps.map((s) => [s.op, (s.newState?.inputs as any)?.settings?.hostName]), [["update", "b"], ["delete", undefined]]);
    const report = driftFromRefresh("tenant-a", digest);
    assert.deepStrictEqual(report.drifted.map((d) => [d.name, d.state, d.properties.map((p) => p.path)]), [["gone", "deleted", []], ["ios-mail", "changed", ["settings.hostName"]]]);
  });

  it("says why an operation failed in the engine's words, else the CLI's stderr", () => {
    const diag = ev({ diagnosticEvent: { message: "\u001b[31mAADSTS7000215: Invalid client secret provided.\u001b[0m\n", color: "raw", severity: "error" } });
    assert.strictEqual(failureText(new Error("code: 255"), [diag, ev({ diagnosticEvent: { message: "update failed", color: "raw", severity: "error" } })]), "AADSTS7000215: Invalid client secret provided.");
    assert.strictEqual(failureText({ commandResult: { stderr: "error: the stack is currently locked by 1 lock(s)\n", stdout: "" } }, []), "error: the stack is currently locked by 1 lock(s)");
  });
});

const profile = (name: string, devices: Partial<Record<"succeeded" | "pending" | "error" | "conflict", number>>) => ({
  name,
  id: name,
  displayName: name,
  platform: "iosIpados",
  configurationVersion: 1,
  lastUpdateDateTime: null,
  devices: { succeeded: 0, pending: 0, error: 0, conflict: 0, notApplicable: 0, ...devices },
  users: { succeeded: 0, pending: 0, error: 0, conflict: 0, notApplicable: 0 },
  issues: [] as StatusReport["profiles"][number]["issues"],
});
const status = (stack: string, ...profiles: ReturnType<typeof profile>[]): StatusReport => ({
  stack,
  healthy: profiles.every((p) => p.devices.error + p.devices.conflict === 0),
  profiles,
});

describe("fleet: status polling with a deadline", () => {
  const clock = () => {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => void (t += ms), get t() { return t; } };
  };

  it("waits while devices are pending, stops at once on errors, and gives up at the deadline", async () => {
    let reads = 0;
    const c1 = clock();
    const seq = [status("a", profile("p", { pending: 5 })), status("a", profile("p", { pending: 2, succeeded: 3 })), status("a", profile("p", { succeeded: 5 }))];
    const settled = await pollStatus(async () => seq[reads++], { deadlineInMs: 60_000, intervalInMs: 10_000, ...c1 });
    assert.strictEqual(reads, 3);
    assert.strictEqual(settled.profiles[0].devices.succeeded, 5);

    reads = 0;
    const c2 = clock();
    const failing = await pollStatus(async () => (reads++, status("a", profile("p", { pending: 3, error: 1 }))), { deadlineInMs: 60_000, intervalInMs: 10_000, ...c2 });
    assert.strictEqual([reads, failing.healthy, c2.t].join(), "1,false,0");

    reads = 0;
    const c3 = clock();
    const pending = await pollStatus(async () => (reads++, status("a", profile("p", { pending: 3 }))), { deadlineInMs: 30_000, intervalInMs: 10_000, ...c3 });
    assert.strictEqual([reads, pending.healthy, c3.t].join(), "4,true,30000");
  });
});

const drift = (stack: string, props: string[]): TenantResult => ({
  stack,
  outcome: props.length > 0 ? "attention" : "clean",
  drift: {
    stack,
    drifted: props.length === 0 ? [] : [{ urn: urn("pulumi-nodejs:dynamic/intune:EmailProfile", "ios-mail"), type: "pulumi-nodejs:dynamic/intune:EmailProfile", name: "ios-mail", state: "changed", properties: props.map((p) => ({ path: p, declared: "a", live: "b" })) }],
  },
});

describe("fleet: the report", () => {
  const tenants = [drift("tenant-b", ["settings.hostName"]), drift("tenant-a", []), { stack: "tenant-c", outcome: "broken", error: "pulumi refresh --preview-only failed: AADSTS7000215: Invalid client secret provided." } as TenantResult];

  it("has a line per tenant, worst first, details collapsed, and the exit code of the worst tenant", () => {
    const r = fleetReport("drift", tenants);
    const md = renderFleetMarkdown(r);
    assert.match(md, /^## Fleet drift\n\n\*\*3 tenants: 1 drift, 1 broken, 1 clean\*\*/);
    const rows = md.split("### Details")[0].split("\n").filter((l) => l.startsWith("| `"));
    assert.deepStrictEqual(
      rows.map((l) => l.split(" | ")[0]),
      ["| `tenant-c`", "| `tenant-b`", "| `tenant-a`"],
    );
    assert.match(rows[1], /⚠️ drift \| `ios-mail` \(EmailProfile\): `settings\.hostName` \|$/);
    assert.match(rows[0], /❌ broken \| pulumi refresh --preview-only failed: AADSTS7000215/);
    assert.match(md, /<details><summary>⚠️ <code>tenant-b<\/code><\/summary>\n\n#### Drift in stack `tenant-b`/);
    assert.strictEqual(fleetExitCode(r), 1);
    assert.strictEqual(fleetExitCode(fleetReport("drift", tenants.slice(0, 2))), 2);
    assert.strictEqual(fleetExitCode(fleetReport("drift", [tenants[1]])), 0);
  });

  it("shows a stopped rollout: the waves in order, the unhealthy tenant's profiles, later tenants not started", () => {
    const sick = status("tenant-a", profile("ios-mail", { succeeded: 17 }), { ...profile("ios-shared-mail", { error: 17 }), issues: [{ device: "DEV-1", deviceId: "1", user: "u@x", status: "error" as const, reason: "duplicate", otherProfiles: [{ name: "ios-mail", id: "1", displayName: "iOS: work mail" }] }] });
    const r = fleetReport(
      "up",
      [
        { stack: "tenant-a", outcome: "attention", wave: "canary", changes: { create: 2, same: 4 }, status: sick },
        { stack: "tenant-b", outcome: "skipped", wave: "rest", error: "not started: wave `canary` stopped the rollout (`tenant-a`)" },
      ],
      { waves: [{ name: "canary", stacks: ["tenant-a"], state: "unhealthy" }, { name: "rest", stacks: ["tenant-b"], state: "not started" }] },
    );
    const md = renderFleetMarkdown(r);
    assert.match(md, /- `canary` \(`tenant-a`\): unhealthy\n- `rest` \(`tenant-b`\): not started\n\nThe rollout stopped after wave `canary`; later waves were left untouched\./);
    assert.match(md, /\| `tenant-a` \(canary\) \| ⚠️ unhealthy \| 2 created; `ios-shared-mail`: 17 devices in error, 0 in conflict \(with `ios-mail`\) \|/);
    assert.match(md, /\| `tenant-b` \(rest\) \| ⏸️ skipped \| not started: wave `canary` stopped the rollout/);
    assert.strictEqual(fleetExitCode(r), 2);
  });

  it("merges shard reports into the report of one run, and refuses overlapping shards or mixed operations", () => {
    const one = fleetReport("drift", tenants);
    const a = fleetReport("drift", [tenants[0], tenants[2]], { shard: "1/2" });
    const b = fleetReport("drift", [tenants[1]], { shard: "2/2" });
    const merged = mergeFleetReports([{ report: parseFleetReport(JSON.stringify(a), "a.json"), source: "a.json" }, { report: b, source: "b.json" }]);
    assert.deepStrictEqual(merged, one);
    assert.strictEqual(renderFleetMarkdown(merged), renderFleetMarkdown(one));
    assert.match(renderFleetMarkdown(a), /^## Fleet drift \(shard 1\/2\)/);
    assert.throws(() => mergeFleetReports([{ report: a, source: "a.json" }, { report: a, source: "c.json" }]), /stack `tenant-b` is in a.json and in c.json: the shards overlap/);
    assert.throws(() => mergeFleetReports([{ report: a, source: "a.json" }, { report: fleetReport("status", []), source: "s.json" }]), /s.json is a fleet status report, a.json a fleet drift report/);
    assert.throws(() => parseFleetReport("{}", "x.json"), /x.json is not a fleet report/);
  });

  it("stays under the comment budget for a big fleet, dropping clean tenants' lines before troubled ones and saying so", () => {
    const many = Array.from({ length: 2000 }, (_, i) => drift(`tenant-${String(i).padStart(4, "0")}`, i % 100 === 0 ? ["settings.hostName", "settings.accountName"] : []));
    const comment = renderFleetComment(fleetReport("drift", many), { fullReport: "fleet.md" });
    assert.ok(comment.length <= 64_000, `${comment.length}`);
    assert.match(comment, /\*\*2,000 tenants: 20 drift, 1980 clean\*\*/);
    for (let i = 0; i < 2000; i += 100) assert.ok(comment.includes(`| \`tenant-${String(i).padStart(4, "0")}\` | ⚠️ drift`), `drifted tenant ${i} has its line`);
    assert.match(comment, /leaves out the lines of \d+ tenants \(clean\)\. The full report is `fleet\.md`\./);
    const small = renderFleetComment(fleetReport("drift", many.slice(0, 5)));
    assert.strictEqual(small, renderFleetMarkdown(fleetReport("drift", many.slice(0, 5))));
  });
});

describe("fleet: the command line", () => {
  const io = () => {
    const out = { stdout: "", stderr: "" };
    return { out, io: { stdout: (s: string) => void (out.stdout += s), stderr: (s: string) => void (out.stderr += s), readInput: async () => ({ text: "", source: "" }), env: {} } };
  };

  it("refuses what it cannot run, naming the flag and the bad value", async () => {
    const cases: [string[], RegExp][] = [
      [["fleet", "drfit", "--stacks", "a"], /`fleet` runs one of drift, preview, status, up, report; got "drfit"/],
      [["fleet", "drift"], /`fleet drift` needs `--stacks LIST\|GLOB`/],
      [["fleet", "drift", "--stacks", "a", "--waves", "canary"], /`--waves` applies to `fleet up`, not `fleet drift`/],
      [["fleet", "up", "--stacks", "a", "--waves", "canary,rest", "--shard", "1/2"], /`--waves` and `--shard` do not mix/],
      [["fleet", "drift", "--stacks", "a", "--concurrency", "0"], /`--concurrency` must be a whole number from 1 to 64; got "0"/],
      [["fleet", "drift", "--stacks", "a", "--concurency", "2"], /got unknown option "--concurency" \(did you mean `--concurrency`\?\)/],
      [["fleet", "report"], /`fleet report` needs the shard reports to merge/],
      [["fleet", "report", "a.json", "--stacks", "x"], /`--stacks` applies to `fleet drift\|preview\|status\|up`, not `fleet report`/],
    ];
    for (const [argv, re] of cases) {
      const { out, io: i } = io();
      assert.strictEqual(await main(argv, i), 1, argv.join(" "));
      assert.match(out.stderr, re, argv.join(" "));
      assert.match(out.stderr, /pulumi-intune fleet OPERATION \[REPORT …\]/, argv.join(" "));
    }
    assert.deepStrictEqual(fleetOptions({ stacks: "t-*", cwd: "/x", format: "json" }, ["drift"]).concurrency, 4);
  });

  it("`fleet report` merges shard files into one report, exit code of the merged fleet", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-unit-"));
    const tenants = [drift("tenant-a", []), drift("tenant-b", ["settings.hostName"])];
    fs.writeFileSync(path.join(dir, "1.json"), JSON.stringify(fleetReport("drift", [tenants[0]], { shard: "1/2" })));
    fs.writeFileSync(path.join(dir, "2.json"), JSON.stringify(fleetReport("drift", [tenants[1]], { shard: "2/2" })));
    const { out, io: i } = io();
    assert.strictEqual(await main(["fleet", "report", path.join(dir, "1.json"), path.join(dir, "2.json"), "--out", path.join(dir, "all.md")], i), 2);
    assert.strictEqual(out.stdout, renderFleetMarkdown(fleetReport("drift", tenants)));
    assert.strictEqual(fs.readFileSync(path.join(dir, "all.md"), "utf8"), out.stdout);
    fs.rmSync(dir, { recursive: true });
  });
});
