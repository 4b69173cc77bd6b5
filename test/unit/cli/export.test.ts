// The exporter's offline parts: flags (strict), names, which settings are declared, and rendering
// (e-mail profiles, and trusted roots and SCEP/PKCS profiles with their PEM files and links as code).
import * as assert from "assert";
import { declaredCertificateSettings, declaredSettings, kebabName, pemOf, renderProject, type SnapshotCertificate, type TenantSnapshot } from "../../../cli/export";
import { base64DerOf, testCertificatePem } from "../../support/testCertificates";
import { parseCommandLine, UsageError } from "../../../cli/args";
import { commands, exportOptions } from "../../../cli/commands";

/** `export`'s flags through the CLI's one parser, as `pulumi-intune export …` parses them. */
const parseExportArgs = (argv: string[]) => {
  const parsed = parseCommandLine(commands, ["export", ...argv]);
  return parsed.help ? ("help" as const) : exportOptions(parsed.values);
};

const render = (t: TenantSnapshot, groupsByName = false) =>
  renderProject(t, {
    select: new Set(["emailProfiles", "scopeTags", "assignments", "certificates"]),
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
    assert.deepStrictEqual([...o.select], ["emailProfiles", "scopeTags", "assignments", "certificates"]);
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
    [["--select", "emailProfiles,groups"], /^`--select` takes emailProfiles, scopeTags, assignments, certificates; got "groups"$/],
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

// ---- certificate-based e-mail ----

const contosoPem = testCertificatePem({ commonName: "Contoso Root CA" });
const otherContosoPem = testCertificatePem({ commonName: "Contoso Root CA" }); // same name, other serial
const mobilePem = testCertificatePem({ commonName: "Contoso Mobile Root" });

const rootOf = (id: string, displayName: string, platform: SnapshotCertificate["platform"], pem: string, extra: Record<string, unknown> = {}): SnapshotCertificate => ({
  id,
  platform,
  role: "trustedRoot",
  live: {
    id,
    "@odata.type": `#microsoft.graph.${{ iosIpados: "ios", androidDeviceAdministrator: "android", androidEnterpriseWorkProfile: "androidWorkProfile" }[platform]}TrustedRootCertificate`,
    displayName,
    description: null,
    roleScopeTagIds: ["0"],
    trustedRootCertificate: base64DerOf(pem),
    certFileName: "root.cer",
    ...extra,
  },
});

const scepLive = {
  certificateValidityPeriodScale: "years",
  certificateValidityPeriodValue: 1,
  renewalThresholdPercentage: 20,
  subjectAlternativeNameType: null,
  subjectNameFormat: "custom",
  subjectNameFormatString: "CN={{UserPrincipalName}}",
  certificateStore: null,
  customSubjectAlternativeNames: [],
  extendedKeyUsages: [{ name: "Client Authentication", objectIdentifier: "1.3.6.1.5.5.7.3.2" }],
  keySize: "size2048",
  keyUsage: "digitalSignature,keyEncipherment",
  scepServerUrls: ["https://ndes.contoso.com/certsrv/mscep/mscep.dll"],
  subjectAlternativeNameFormatString: null,
};

const iosScep = (id: string, displayName: string, rootId: string | undefined, extra: Record<string, unknown> = {}): SnapshotCertificate => ({
  id,
  platform: "iosIpados",
  role: "scep",
  live: { id, "@odata.type": "#microsoft.graph.iosScepCertificateProfile", displayName, description: null, roleScopeTagIds: ["0"], ...scepLive, ...extra },
  ...(rootId ? { rootId } : {}),
});

const iosMail = (id: string, displayName: string, certificateId: string, odataType = "#microsoft.graph.iosScepCertificateProfile") => ({
  id,
  platform: "iosIpados" as const,
  live: {
    id,
    "@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration",
    displayName,
    description: null,
    roleScopeTagIds: ["0"],
    hostName: "outlook.office365.com",
    accountName: "Work mail",
    emailAddressSource: "primarySmtpAddress",
    usernameSource: "userPrincipalName",
    authenticationMethod: "certificate",
  },
  links: { identityCertificateId: { id: certificateId, displayName: "identity", odataType } },
});

const block = (index: string, name: string) => {
  const start = index.indexOf(`("${name}", {`);
  assert.ok(start >= 0, `no resource named ${name} in\n${index}`);
  return index.slice(start, index.indexOf("\n});", start));
};

describe("export of certificate-based e-mail", () => {
  it("declares a SCEP profile's live settings except unset-looking ones, flags as lists in schema order", () => {
    assert.deepStrictEqual(declaredCertificateSettings("iosIpados", "scep", scepLive), {
      certificateValidityPeriodScale: "years",
      certificateValidityPeriodValue: 1,
      renewalThresholdPercentage: 20,
      subjectNameFormat: "custom",
      extendedKeyUsages: [{ name: "Client Authentication", objectIdentifier: "1.3.6.1.5.5.7.3.2" }],
      keySize: "size2048",
      keyUsage: ["keyEncipherment", "digitalSignature"],
      scepServerUrls: ["https://ndes.contoso.com/certsrv/mscep/mscep.dll"],
      subjectNameFormatString: "CN={{UserPrincipalName}}",
    });
  });

  it("writes each root's certificate to a PEM file the program reads, one file per certificate", () => {
    // GIVEN an iOS and a Knox root of one CA, a work-profile root of another, and a root whose CA has the same name
    const t: TenantSnapshot = {
      scopeTags: [],
      profiles: [],
      certificates: [
        rootOf("r1", "iOS: Contoso root", "iosIpados", contosoPem),
        rootOf("r2", "Knox: Contoso root", "androidDeviceAdministrator", contosoPem, { certFileName: null }),
        rootOf("r3", "Work: mobile root", "androidEnterpriseWorkProfile", mobilePem),
        rootOf("r4", "iOS: second Contoso root", "iosIpados", otherContosoPem, { roleScopeTagIds: ["0", "9"] }),
      ],
      groups: new Map(),
    };
    // WHEN
    const { files, counts } = render(t);
    // THEN
    assert.strictEqual(counts.trustedRoots, 3 + 1);
    const pems = Object.keys(files).filter((f) => f.startsWith("certificates/")).sort();
    assert.deepStrictEqual(pems, ["certificates/contoso-mobile-root.pem", "certificates/contoso-root-ca-2.pem", "certificates/contoso-root-ca.pem"]);
    // The file holds exactly the tenant's bytes, as PEM (64 characters a line).
    const der = (pem: string) => base64DerOf(pem);
    const fileOf = (pem: string) => pems.find((f) => base64DerOf(files[f]) === der(pem));
    assert.ok(fileOf(contosoPem) && fileOf(otherContosoPem) && fileOf(mobilePem));
    assert.strictEqual(files[fileOf(contosoPem)!], pemOf(der(contosoPem)));
    assert.ok(files[fileOf(contosoPem)!].split("\n").every((l) => l.length <= 64));
    const index = files["index.ts"];
    const ios = block(index, "ios-contoso-root");
    assert.ok(ios.includes(`adoptExistingId: "r1",`), ios);
    assert.ok(ios.includes(`platform: "iosIpados",`), ios);
    assert.ok(ios.includes(`certificate: fs.readFileSync(path.join(__dirname, "certificates", "${fileOf(contosoPem)!.slice("certificates/".length)}"), "utf8"),`), ios);
    assert.ok(ios.includes(`certFileName: "root.cer",`), ios);
    const knox = block(index, "knox-contoso-root");
    assert.ok(knox.includes(`"${fileOf(contosoPem)!.slice("certificates/".length)}"`), "the Knox root shares the iOS root's file");
    assert.doesNotMatch(knox, /certFileName/);
    assert.match(block(index, "ios-second-contoso-root"), /scopeTagIds: \["0" \/\* Default \*\/, "9"\],/);
    assert.match(index, /^import \* as fs from "fs";\nimport \* as path from "path";\nimport \{ TrustedRootCertificate \} from "pulumi-intune";$/m);
  });

  it("writes a certificate profile's root link and an e-mail profile's certificate link as code", () => {
    const t: TenantSnapshot = {
      scopeTags: [],
      profiles: [iosMail("m1", "iOS: mail", "c1")],
      certificates: [rootOf("r1", "iOS: root", "iosIpados", contosoPem), iosScep("c1", "iOS: identity", "r1")],
      groups: new Map(),
    };
    const index = render(t).files["index.ts"];
    const scep = block(index, "ios-identity");
    assert.ok(scep.includes(`adoptExistingId: "c1",\n  displayName: "iOS: identity",\n  platform: "iosIpados",\n  kind: "scep",\n  trustedRootId: iosRoot.id,`), scep);
    assert.ok(scep.includes(`keyUsage: ["keyEncipherment", "digitalSignature"],`), scep);
    assert.doesNotMatch(scep, /null|\[\]|certificateStore/);
    assert.match(block(index, "ios-mail"), /identityCertificateId: iosIdentity\.id,/);
    // What is linked is declared first.
    assert.ok(index.indexOf("new TrustedRootCertificate(") < index.indexOf("new CertificateProfile(") && index.indexOf("new CertificateProfile(") < index.indexOf("new EmailProfile("));
  });

  it("keeps as ids, with a warning, what `check` would refuse, and leaves out settings the tenant reports as unset its own way", () => {
    const warnings: string[] = [];
    const t: TenantSnapshot = {
      scopeTags: [],
      profiles: [iosMail("m1", "iOS: mail", "c2"), iosMail("m2", "iOS: cross", "c3", "#microsoft.graph.androidScepCertificateProfile")],
      certificates: [
        // A renewal threshold of 0 is how a service answers "not set": left out, the profile is exported.
        iosScep("c1", "iOS: identity", "r9", { renewalThresholdPercentage: 0 }),
        // No SCEP server: cannot be declared; it stays an id.
        iosScep("c2", "iOS: broken", undefined, { scepServerUrls: [] }),
        { id: "c3", platform: "androidDeviceAdministrator", role: "scep", live: { id: "c3", "@odata.type": "#microsoft.graph.androidScepCertificateProfile", displayName: "Knox: identity", ...scepLive, hashAlgorithm: "sha2" } },
        // A root whose certificate cannot be read.
        rootOf("r8", "iOS: unreadable root", "iosIpados", contosoPem, { trustedRootCertificate: "bm90IGEgY2VydA==" }),
      ],
      groups: new Map(),
    };
    const { files, counts } = renderProject(t, {
      select: new Set(["emailProfiles", "scopeTags", "assignments", "certificates"]),
      groupsByName: false,
      packageVersion: "0.1.0",
      devVersions: {},
      warn: (w) => warnings.push(w),
    });
    assert.deepStrictEqual([counts.trustedRoots, counts.certificateProfiles], [0, 2]);
    const index = files["index.ts"];
    const identity = block(index, "ios-identity");
    assert.doesNotMatch(identity, /renewalThresholdPercentage/);
    // The root is not in the export: its id, not code.
    assert.ok(identity.includes(`trustedRootId: "r9",`), identity);
    assert.ok(!index.includes(`adoptExistingId: "c2"`));
    assert.ok(block(index, "ios-mail").includes(`identityCertificateId: "c2", // "identity" (iosScepCertificateProfile)`));
    // An iOS e-mail profile linked to a Knox certificate in the tenant: the link stays an id (the program would be refused at preview).
    assert.ok(block(index, "ios-cross").includes(`identityCertificateId: "c3", //`));
    assert.ok(!index.includes(`adoptExistingId: "r8"`));
    assert.deepStrictEqual(warnings.length, 3, warnings.join("\n"));
    assert.match(warnings[0], /^certificate profile "iOS: identity" \(c1\): `settings\.renewalThresholdPercentage` 0 left out \(not managed\): `settings\.renewalThresholdPercentage` /);
    assert.match(warnings[1], /^certificate profile "iOS: broken" \(c2\): kept as an id, not exported, because `check` would refuse it: `settings\.scepServerUrls`/);
    assert.match(warnings[2], /^trusted root "iOS: unreadable root" \(r8\): kept as an id, not exported, because its certificate cannot be read/);
  });

  it("is a pure function of the snapshot, whatever order Graph listed the certificates in", () => {
    const certificates = [rootOf("r1", "iOS: root", "iosIpados", contosoPem), rootOf("r2", "Work: root", "androidEnterpriseWorkProfile", mobilePem), iosScep("c1", "iOS: identity", "r1"), iosScep("c0", "iOS: identity", "r1")];
    const snapshot = (order: number[]): TenantSnapshot => ({ scopeTags: [], profiles: [], certificates: order.map((i) => certificates[i]), groups: new Map() });
    const one = render(snapshot([0, 1, 2, 3]));
    assert.deepStrictEqual(one.files, render(snapshot([3, 2, 1, 0])).files);
    // Same display name twice: -2 goes to the larger id.
    assert.match(block(one.files["index.ts"], "ios-identity"), /adoptExistingId: "c0"/);
    assert.match(block(one.files["index.ts"], "ios-identity-2"), /adoptExistingId: "c1"/);
  });

  it("with `--select` without certificates, exports no certificate resource or file", () => {
    const t: TenantSnapshot = { scopeTags: [], profiles: [iosMail("m1", "iOS: mail", "c1")], certificates: [rootOf("r1", "iOS: root", "iosIpados", contosoPem), iosScep("c1", "iOS: identity", "r1")], groups: new Map() };
    const r = renderProject(t, { select: new Set(["emailProfiles"]), groupsByName: false, packageVersion: "0.1.0", devVersions: {} });
    assert.deepStrictEqual(Object.keys(r.files).sort(), ["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json"]);
    assert.doesNotMatch(r.files["index.ts"], /new (TrustedRootCertificate|CertificateProfile)\(|import \* as fs/);
    assert.ok(block(r.files["index.ts"], "ios-mail").includes(`identityCertificateId: "c1", // "identity" (iosScepCertificateProfile)`));
  });
});
