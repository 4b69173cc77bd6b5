// A review that scales: a preview of 1,000 e-mail profiles and 100 assignments (2,000+ warnings, conflicts
// pair by pair) becomes a comment under GitHub's 65,536 characters, grouped and ranked, with the full
// report in the --out file.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findings, severities } from "../../../cli/findings";
import { parsePreviewJson } from "../../../cli/previewJson";
import { buildReport, COMMENT_LIMIT, DIAGRAM_EDGES_MAX, renderComment, renderMarkdown, type ReviewReport } from "../../../cli/review";
import { quotedList, renderFact } from "../../../provider/impact/facts";
import { bigGroups, bigPreview, bigUrn } from "../../support/bigPreview";
import { sourceBinArgs, sourceBinEnv } from "../../support/sourceBin";

const findingLines = (md: string) => md.split("\n").filter((l) => /^\d+\. \S+ \*\*(blocked|overwritten|removal|prompt|delivery)\*\*: /.test(l));
const groupOf = (id: string) => Object.values(bigGroups).find((g) => g.id === id)!;

describe("cli: review of a 1,000-profile / 100-assignment preview", function () {
  this.timeout(120_000);
  const big = bigPreview(1000, 100);
  let report: ReviewReport;
  let comment: string;
  let full: string;
  before(() => {
    report = buildReport(parsePreviewJson(JSON.stringify(big.preview)));
    comment = renderComment(report, { fullReport: "review-full.md" });
    full = renderMarkdown(report);
  });

  it("is the size the brief describes: 1,100 changed resources and over 2,000 warnings", () => {
    assert.strictEqual(report.resources.length, 1100);
    assert.ok(report.summary.warnings > 2000, String(report.summary.warnings));
    assert.ok(full.length > 1_000_000, `the full report is ${full.length} characters`);
  });

  it("renders a comment under 65,536 characters that says what it left out and where the rest is", () => {
    assert.ok(comment.length < COMMENT_LIMIT, `comment is ${comment.length} characters`);
    assert.ok(comment.length > COMMENT_LIMIT / 2, "it uses the room it has");
    assert.match(comment, /### Left out of this comment\n\nTo stay under GitHub's 65,536-character limit this comment leaves out \d+ resources of lowest consequence.*The full report is `review-full.md`/);
    assert.doesNotMatch(comment, /\(cut at the comment limit/);
  });

  it("has one conflict finding per duplicate key and group, naming every profile in it, and no pair-by-pair conflicts", () => {
    assert.strictEqual(big.conflictGroups.size, 8);
    const lines = findingLines(comment);
    for (const [k, profiles] of big.conflictGroups) {
      const [platform, key, groupId] = k.split("|");
      const g = groupOf(groupId);
      const head = `${profiles.size} ${platform} profiles have the same duplicate-account key (${key}) and all reach "${g.displayName}" (${g.memberCount} ${g.isDeviceGroup ? "devices" : "members"})`;
      const hits = lines.filter((l) => l.includes(head));
      assert.strictEqual(hits.length, 1, `${k}: ${hits.length} findings`);
      for (const p of profiles) assert.ok(hits[0].includes(`"${p}"`), `${k} names ${p}`);
      assert.strictEqual((hits[0].match(/"Mail profile \d+/g) ?? []).length, profiles.size, "and no one else");
    }
    assert.strictEqual(lines.filter((l) => l.includes("duplicate-account key")).length, big.conflictGroups.size);
    assert.doesNotMatch(comment, /profiles "[^"]+" and "[^"]+" \([^)]*\) have the same duplicate-account key/);
  });

  it("has one 'who receives' finding per group, with all its profiles", () => {
    const lines = findingLines(comment);
    for (const g of [bigGroups.sales, bigGroups.field, bigGroups.kiosk]) {
      const expected = big.facts.filter((f) => f.fact.kind === "newRecipients" && f.fact.groups.some((x) => x.id === g.id)).map((f) => f.fact.profile);
      const hits = lines.filter((l) => l.includes(`**delivery**: "${g.displayName}"`) && l.includes("will receive"));
      assert.strictEqual(hits.length, 1, g.displayName);
      assert.match(hits[0], new RegExp(`will receive ${expected.length} e-mail profiles`));
      for (const p of expected) assert.ok(hits[0].includes(`"${p}"`), `${g.displayName} receives ${p}`);
    }
  });

  it("puts the biggest consequences first: members reached, then blocked > overwritten > removal > prompt > delivery", () => {
    const all = findings(report);
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1], all[i]];
      assert.ok(a.people > b.people || (a.people === b.people && severities.indexOf(a.severity) <= severities.indexOf(b.severity)), `${i}: ${a.people} ${a.severity} before ${b.people} ${b.severity}`);
    }
    const lines = findingLines(comment);
    assert.strictEqual(lines.length, all.length, "every finding fits in the comment");
    assert.match(lines[0], /^1\. \S+ \*\*prompt\*\*: users in "All Staff" \(5200 members\)/, "5,200 people prompted outrank 420 blocked");
    assert.match(lines[1], /^2\. \S+ \*\*blocked\*\*: .*"Sales Users" \(420 members\)/);
    const sales = lines.filter((l) => l.includes('"Sales Users" (420 members)')).map((l) => /\*\*(\w+)\*\*/.exec(l)![1]);
    assert.deepStrictEqual(sales, [...sales].sort((a, b) => severities.indexOf(a as never) - severities.indexOf(b as never)));
    // Resources follow their consequences: the prompted profiles' updates come before plain creates.
    const changes = comment.slice(comment.indexOf("### Changes"));
    assert.ok(changes.indexOf("`mail-0990`") < changes.indexOf("`mail-0000-assignment`"));
    assert.ok(changes.indexOf("`mail-0000-assignment`") < changes.indexOf("`mail-0100`") || !changes.includes("`mail-0100`"));
  });

  it("caps the diagram at what a person can read, saying how many edges it left out", () => {
    const block = /```mermaid\n([\s\S]*?)```/.exec(comment)![1];
    const edges = block.split("\n").filter((l) => / --|-\. /.test(l));
    assert.strictEqual(edges.length, DIAGRAM_EDGES_MAX);
    assert.match(comment, /_…and \d+ more edges not drawn; every finding is listed above\._/);
  });

  it("writes the full, untrimmed report to --out and the comment to stdout (the bin as a process)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-intune-scale-"));
    try {
      const input = path.join(dir, "preview.json");
      fs.writeFileSync(input, JSON.stringify(big.preview));
      const out = path.join(dir, "review-full.md");
      const r = spawnSync(process.execPath, sourceBinArgs("cli/bin.ts", ["review", input, "--out", out, "--fail-on", "impact"]), { encoding: "utf8", maxBuffer: 64 << 20, env: sourceBinEnv() });
      assert.strictEqual(r.status, 3, r.stderr);
      assert.strictEqual(r.stdout, comment);
      const written = fs.readFileSync(out, "utf8");
      assert.strictEqual(written, full);
      for (const step of big.preview.steps as { urn: string }[]) if (!step.urn.includes("pulumi:pulumi:Stack")) assert.ok(written.includes(`<code>${step.urn.split("::").pop()}</code>`), step.urn);
      for (const p of big.profiles) assert.ok(written.includes(`"${p.displayName}"`), p.displayName);
      for (const f of findings(report)) assert.ok(written.includes(f.sentence(quotedList)), "every finding, every profile named");
      assert.ok(written.includes("| `settings.hostName` | `\"outlook.office365.com\"` | `\"mail.contoso.com\"` |"), "property values are all there");
      assert.doesNotMatch(written, /Left out of this comment/);
      const json = path.join(dir, "review.json");
      const j = spawnSync(process.execPath, sourceBinArgs("cli/bin.ts", ["review", input, "--format", "json", "--out", json]), { encoding: "utf8", maxBuffer: 256 << 20, env: sourceBinEnv() });
      assert.strictEqual(j.status, 0, j.stderr);
      const parsed = JSON.parse(fs.readFileSync(json, "utf8")) as ReviewReport;
      assert.strictEqual(parsed.resources.length, 1100);
      assert.strictEqual(parsed.summary.impactFacts, big.facts.length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("cli: review comment trimming", () => {
  const sales = bigGroups.sales;
  const small = {
    steps: [
      { op: "update", urn: bigUrn("EmailProfile", "ios"), diffReasons: ["settings"], detailedDiff: { "settings.hostName": { kind: "update" } }, oldState: { inputs: { settings: { hostName: "a" } } }, newState: { inputs: { settings: { hostName: "b" } } } },
      { op: "delete", urn: bigUrn("ProfileAssignment", "gone"), oldState: { inputs: { targets: [{ kind: "group", groupId: sales.id }] } } },
    ],
    diagnostics: [
      { urn: bigUrn("EmailProfile", "ios"), severity: "warning", message: renderFact({ kind: "reconfigurationPrompt", profile: "iOS", changedSettings: ["settings.hostName"], groups: [sales] }) },
      { severity: "warning", message: "warning: something about the stack" },
    ],
  };

  it("is the full report when it fits", () => {
    const r = buildReport(parsePreviewJson(JSON.stringify(small)));
    assert.strictEqual(renderComment(r), renderMarkdown(r));
    assert.match(renderMarkdown(r), /<details><summary>🟡 update <code>ios<\/code> \(EmailProfile\): 1 property, 1 impact fact<\/summary>/);
    // The delete's groups get names and member counts from what the preview said about them elsewhere.
    assert.match(renderMarkdown(r), /\*\*removal\*\*: `gone` \(ProfileAssignment\): deleting the assignment removes the e-mail account from the devices of "Sales Users" \(420 members\)/);
  });

  it("trims lowest-ranked detail first and stays within any budget", () => {
    const r = buildReport(parsePreviewJson(JSON.stringify(bigPreview(200, 60).preview)));
    let previous = Infinity;
    for (const budget of [60_000, 20_000, 8_000, 3_000]) {
      const c = renderComment(r, { budget });
      assert.ok(c.length <= budget, `${c.length} > ${budget}`);
      assert.match(c, /^## pulumi-intune review\n\n\*\*250 to create, 10 to update/);
      assert.match(c, /Run `pulumi-intune review` with `--out FILE` for the full report/);
      const n = findingLines(c).length;
      assert.ok(n <= previous, "findings go only after resources");
      previous = n;
      if (budget >= 20_000) assert.strictEqual(n, findings(r).length, `every finding kept at ${budget}`);
    }
    assert.match(renderComment(r, { budget: 3_000 }), /leaves out .*lowest-ranked finding/);
  });
});
