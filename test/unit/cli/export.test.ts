// The exporter's offline parts: flags (strict), names, which settings are declared, and rendering.
import * as assert from "assert";
import { declaredSettings, kebabName, renderProject, type TenantSnapshot } from "../../../cli/export";
import { parseCommandLine, UsageError } from "../../../cli/args";
import { commands, exportOptions } from "../../../cli/commands";

/** `export`'s flags through the CLI's one parser, as `pulumi-intune export …` parses them. */
const parseExportArgs = (argv: string[]) => {
  const parsed = parseCommandLine(commands, ["export", ...argv]);
  return parsed.help ? ("help" as const) : exportOptions(parsed.values);
};

const render = (t: TenantSnapshot, groupsByName = false) =>
  renderProject(t, {
    select: new Set(["emailProfiles", "scopeTags", "assignments"]),
    groupsByName,
    packageVersion: "0.1.0",
    devVersions: { typescript: "~5.9.3", "ts-node": "^10.9.2", "@types/node": "^20.19.0" },
  });

const windows = (id: string, displayName: string, extra: Record<string, unknown> = {}) => ({
  id,
  platform: "windows10" as const,
  live: {
    id,
    "@odata.type": "#microsoft.graph.windows10EasEmailProfileConfiguration",
    displayName,
    description: null,
    roleScopeTagIds: ["0"],
    hostName: "outlook.office365.com",
    accountName: "Work mail",
    emailAddressSource: "primarySmtpAddress",
    usernameSource: "userPrincipalName",
    usernameAADSource: null,
    customDomainName: null,
    requireSsl: false,
    syncCalendar: false,
    durationOfEmailToSync: "userDefined",
    ...extra,
  },
  links: {},
});

describe("export flags", () => {
  it("defaults to every kind, ./intune-export and ids for groups", () => {
    const o = parseExportArgs([]);
    assert.notStrictEqual(o, "help");
    if (o === "help") return;
    assert.deepStrictEqual([...o.select], ["emailProfiles", "scopeTags", "assignments"]);
    assert.strictEqual(o.out, "intune-export");
    assert.strictEqual(o.groupsByName, false);
    assert.deepStrictEqual([o.stack, o.cwd], [undefined, undefined]);
  });

  it("takes every flag", () => {
    const o = parseExportArgs(["--out", "x", "--select", "scopeTags, assignments", "--groups-by-name", "--stack", "prod", "--cwd=infra"]);
    assert.deepStrictEqual(o === "help" ? o : { ...o, select: [...o.select] }, {
      out: "x",
      select: ["scopeTags", "assignments"],
      groupsByName: true,
      stack: "prod",
      cwd: "infra",
    });
    assert.strictEqual(parseExportArgs(["--help"]), "help");
  });

  const bad: [string[], RegExp][] = [
    [["--outdir", "x"], /^`export` takes .*; got unknown option "--outdir"$/],
    [["stray"], /^`export` takes no positional arguments; got "stray"$/],
    [["--groups-by-name=yes"], /^`--groups-by-name` takes no value; got "yes"$/],
    [["--select", "emailProfiles,groups"], /^`--select` takes emailProfiles, scopeTags, assignments; got "groups"$/],
    [["--out", ""], /^`--out` needs a value \(DIR\); got ""$/],
  ];
  for (const [argv, message] of bad) {
    it(`refuses ${argv.join(" ")}`, () => {
      assert.throws(() => parseExportArgs(argv), (e: unknown) => e instanceof UsageError && message.test((e as Error).message));
    });
  }
});

describe("export names and settings", () => {
  it("derives kebab-case names from display names", () => {
    assert.strictEqual(kebabName("iOS: Exchange for all iPhones", "x"), "ios-exchange-for-all-iphones");
    assert.strictEqual(kebabName("Légal & Compliance (EU)", "x"), "legal-compliance-eu");
    assert.strictEqual(kebabName("  ::  ", "email-profile"), "email-profile");
  });

  it("declares live values except unset-looking ones (a setting left out is not managed)", () => {
    const s = declaredSettings("iosIpados", {
      hostName: "h.contoso.com",
      accountName: "a",
      emailAddressSource: "primarySmtpAddress",
      usernameSource: "userPrincipalName",
      requireSsl: false, // non-nullable, default false: left out
      blockSendingEmailFromThirdPartyApps: false, // left out: not managed, adoption keeps it
      customDomainName: "", // left out
      easServices: "email,calendars",
      useOAuth: null,
      durationOfEmailToSync: "userDefined", // the default, but not unset-looking: kept
    });
    assert.deepStrictEqual(s, {
      usernameSource: "userPrincipalName",
      accountName: "a",
      durationOfEmailToSync: "userDefined",
      easServices: ["calendars", "email"],
      emailAddressSource: "primarySmtpAddress",
      hostName: "h.contoso.com",
    });
  });
});

describe("export rendering", () => {
  it("numbers names taken twice in id order, also against a display name that ends in -2", () => {
    const t: TenantSnapshot = {
      scopeTags: [],
      profiles: [windows("bbb", "Mail"), windows("aaa", "Mail"), windows("ccc", "Mail 2")],
      groups: new Map(),
    };
    const index = render(t).files["index.ts"];
    const names = [...index.matchAll(/new EmailProfile\("([^"]+)", \{\n {2}adoptExistingId: "(\w+)"/g)].map((m) => `${m[1]}=${m[2]}`);
    assert.deepStrictEqual(names, ["mail=aaa", "mail-2=bbb", "mail-2-2=ccc"]);
    assert.match(index, /const mail22 = new EmailProfile\("mail-2-2"/);
    // Unset-looking settings and a Default-only tag list are left out.
    assert.doesNotMatch(index.slice(index.indexOf("import ")), /null|false|scopeTagIds|description/);
  });

  it("is a pure function of the snapshot, whatever order Graph listed things in", () => {
    const group = "5f1c6a0e-2b7d-4c1e-9a3f-0d8e1b2c3a41";
    const a = { id: "a1", target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: group } };
    const b = { id: "a2", target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } };
    const c = { id: "a3", target: { "@odata.type": "#microsoft.graph.configurationManagerCollectionAssignmentTarget", collectionId: "SMS0001" } };
    const snapshot = (order: number[]): TenantSnapshot => {
      const profiles = [
        { ...windows("p1", "Windows: sales"), assignments: [a, b, c] },
        { ...windows("p2", "Windows: all", { roleScopeTagIds: ["7", "0"] }), assignments: [] },
      ];
      return {
        scopeTags: [{ id: "7", displayName: "Mail admins", description: "" }],
        profiles: order.map((i) => profiles[i]),
        groups: new Map([[group, { displayName: "Sales */ Users", sameName: 1 }]]),
      };
    };
    const warnings: string[] = [];
    const one = renderProject(snapshot([0, 1]), { select: new Set(["emailProfiles", "scopeTags", "assignments"]), groupsByName: false, packageVersion: "0.1.0", devVersions: { typescript: "~5.9.3", "ts-node": "^10.9.2", "@types/node": "^20.19.0" }, warn: (w) => warnings.push(w) });
    const two = render(snapshot([1, 0]));
    assert.deepStrictEqual(one.files, two.files);
    const index = one.files["index.ts"];
    assert.match(index, /scopeTagIds: \["0" \/\* Default \*\/, mailAdmins\.id\]/);
    assert.ok(index.includes(`{ kind: "allDevices" },\n    { kind: "group", groupId: "${group}" /* Sales * / Users */ },`), index);
    assert.deepStrictEqual(warnings, ['profile "Windows: sales" (p1): assignment a3 targets #microsoft.graph.configurationManagerCollectionAssignmentTarget, which ProfileAssignment does not model; left out']);
    assert.match(render(snapshot([0, 1]), true).files["index.ts"], /groupId: lookupGroupByName\("Sales \*\/ Users"\)/);
  });
});
