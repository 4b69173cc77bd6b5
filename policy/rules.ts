// The e-mail baseline's rules as data and pure predicates: what each rule checks, where it comes from,
// how strict it is by default. policy/pack.ts turns them into CrossGuard policies; the unit tests call
// the predicates directly. Every predicate returns findings (property, what the rule wants, the value
// found); the message text is made in one place, `violationMessage`.

/** Enforcement levels of @pulumi/policy, repeated here so this module needs no import of it. */
export type RuleEnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** A public baseline a rule comes from. */
export interface BaselineSource {
  /** Short name used in messages, e.g. "DISA Apple iOS/iPadOS 26 STIG AIOS-26-011400". */
  readonly name: string;
  /** Where to read it. */
  readonly url: string;
}

/** One thing a profile does against a rule. */
export interface Finding {
  /** Property path in the resource's inputs, e.g. `settings.requireSsl`. */
  readonly property: string;
  /** What the rule wants, completing "<property> must …", e.g. "be true". */
  readonly must: string;
  /** The value found; `undefined` when the program does not set it. */
  readonly got: unknown;
}

/** What a profile rule sees of an e-mail profile: its inputs, loosely typed (settings differ per platform). */
export interface ProfileFacts {
  readonly platform: string;
  readonly settings: Readonly<Record<string, unknown>>;
}

/** Per-rule configuration, as `--policy-pack-config` gives it (enforcementLevel is Pulumi's own). */
export interface RuleConfig {
  /** email-allowed-host-names: the Exchange hosts profiles may use; `*.contoso.com` matches subdomains. */
  readonly allowedHostNames?: readonly string[];
  /** email-user-targets: ids of Entra ID groups of devices (offline, the pack cannot ask Graph). */
  readonly deviceGroupIds?: readonly string[];
  /** email-certificate-reach: certificate profile id → id of the trusted-root profile it chains to. */
  readonly trustedRootOf?: Readonly<Record<string, string>>;
  /**
   * email-certificate-reach: a certificate or trusted root that no ProfileAssignment of this stack assigns
   * counts as reaching nobody (true), or is not checked because it is assigned elsewhere (false).
   */
  readonly requireAssignmentsInStack?: boolean;
}

/** A rule about one e-mail profile. */
export interface ProfileRule {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: RuleEnforcementLevel;
  readonly source: BaselineSource;
  /** Platforms the rule applies to; others are "not applicable". */
  readonly platforms: readonly string[];
  /** Configuration keys (JSON schema) beyond enforcementLevel. */
  readonly configSchema?: Record<string, { type: "array" | "boolean" | "object"; items?: { type: "string" }; description: string }>;
  /** Whether the rule has anything to check under this configuration (e.g. an allow-list is set). */
  readonly applies?: (config: RuleConfig) => string | undefined;
  readonly check: (profile: ProfileFacts, config: RuleConfig) => Finding[];
}

export const ALL_PLATFORMS = [
  "androidDeviceAdministrator",
  "androidEnterpriseWorkProfileGmail",
  "androidEnterpriseWorkProfileNineWork",
  "androidForWorkGmail",
  "androidForWorkNineWork",
  "iosIpados",
  "windows10",
  "windowsPhone81",
] as const;

/** Platforms whose profile type can authenticate with a certificate (Windows cannot). */
const CERTIFICATE_PLATFORMS = ALL_PLATFORMS.filter((p) => !p.startsWith("windows"));
/** Platforms whose profile type has `requireSmime`. */
const SMIME_PLATFORMS = ["iosIpados", "androidDeviceAdministrator"];

const MICROSOFT_EXO_SETTINGS: BaselineSource = {
  name: "Microsoft's Exchange Online e-mail profile settings (Intune policy map: SSL on, UPN user name and address)",
  url: "https://learn.microsoft.com/mem/intune/fundamentals/policy-map-access-requirements",
};

/** "must be true", met only by `true` itself: a setting left out is not managed, so it is not enforced. */
function mustBeTrue(property: string): (p: ProfileFacts) => Finding[] {
  const key = property.replace(/^settings\./, "");
  return (p) => (p.settings[key] === true ? [] : [{ property, must: "be true", got: p.settings[key] }]);
}

/** Whether `host` is allowed by `patterns` (case-insensitive; `*.example.com` matches any subdomain). */
export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  const h = host.trim().toLowerCase().replace(/\.$/, "");
  return patterns.some((raw) => {
    const p = raw.trim().toLowerCase().replace(/\.$/, "");
    return p.startsWith("*.") ? h.endsWith(p.slice(1)) && h.length > p.length - 1 : h === p;
  });
}

export const PROFILE_RULES: readonly ProfileRule[] = [
  {
    name: "email-ssl-required",
    description: "E-mail profiles connect to Exchange over SSL/TLS (settings.requireSsl: true).",
    enforcementLevel: "mandatory",
    source: MICROSOFT_EXO_SETTINGS,
    platforms: ALL_PLATFORMS,
    check: mustBeTrue("settings.requireSsl"),
  },
  {
    name: "email-modern-authentication",
    description:
      "Profiles authenticate with a certificate, a derived credential or OAuth, not a password, where the platform supports it (Windows profiles cannot).",
    enforcementLevel: "advisory",
    source: {
      name: "Microsoft's retirement of Basic authentication in Exchange Online",
      url: "https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/deprecation-of-basic-authentication-exchange-online",
    },
    platforms: CERTIFICATE_PLATFORMS,
    check: (p) => {
      const method = p.settings.authenticationMethod;
      if (method === "certificate" || method === "derivedCredential") return [];
      // iOS/iPadOS: OAuth (modern authentication) with a user name and password is not Basic authentication.
      if (p.platform === "iosIpados" && p.settings.useOAuth === true) return [];
      const must = p.platform === "iosIpados" ? 'be "certificate" or "derivedCredential", or useOAuth true' : 'be "certificate"';
      return [{ property: "settings.authenticationMethod", must, got: method }];
    },
  },
  {
    name: "ios-email-block-moving-messages",
    description: "iOS/iPadOS: messages cannot be moved or forwarded to other accounts (settings.blockMovingMessagesToOtherEmailAccounts: true).",
    enforcementLevel: "mandatory",
    source: {
      name: "DISA Apple iOS/iPadOS 26 STIG AIOS-26-011400 (V-278795, Exchange payload PreventMove)",
      url: "https://public.cyber.mil/stigs/downloads/ (U_Apple_iOS-iPadOS_26_V1R2_STIG)",
    },
    platforms: ["iosIpados"],
    check: mustBeTrue("settings.blockMovingMessagesToOtherEmailAccounts"),
  },
  {
    name: "ios-email-block-third-party-apps",
    description: "iOS/iPadOS: other apps cannot send mail from the account (settings.blockSendingEmailFromThirdPartyApps: true).",
    enforcementLevel: "mandatory",
    source: {
      name: "Apple Exchange ActiveSync payload PreventAppSheet, the setting DISA's iOS STIGs pair with PreventMove",
      url: "https://developer.apple.com/documentation/devicemanagement/exchangeactivesync",
    },
    platforms: ["iosIpados"],
    check: mustBeTrue("settings.blockSendingEmailFromThirdPartyApps"),
  },
  {
    name: "email-smime-required",
    description: "Regulated tenants: mail is signed and encrypted with S/MIME (settings.requireSmime: true). Off by default.",
    enforcementLevel: "disabled",
    source: {
      name: "Intune S/MIME for e-mail (regulated tenants: enable with --policy-pack-config)",
      url: "https://learn.microsoft.com/mem/intune/protect/certificates-s-mime-encryption-sign",
    },
    platforms: SMIME_PLATFORMS,
    check: mustBeTrue("settings.requireSmime"),
  },
  {
    name: "email-allowed-host-names",
    description: "Profiles connect only to the Exchange hosts listed in the pack config (allowedHostNames).",
    enforcementLevel: "mandatory",
    source: { name: "your tenant's allow-list (allowedHostNames)", url: "docs/policy.md#email-allowed-host-names" },
    platforms: ALL_PLATFORMS,
    configSchema: {
      allowedHostNames: { type: "array", items: { type: "string" }, description: "Exchange host names profiles may use; *.example.com matches subdomains." },
    },
    applies: (c) => ((c.allowedHostNames ?? []).length === 0 ? "no allowedHostNames configured" : undefined),
    check: (p, c) => {
      const host = p.settings.hostName;
      const allowed = c.allowedHostNames ?? [];
      if (typeof host === "string" && hostAllowed(host, allowed)) return [];
      return [{ property: "settings.hostName", must: `be one of ${allowed.map((h) => JSON.stringify(h)).join(", ")}`, got: host }];
    },
  },
];

/** Renders a value for a message: strings quoted, absent as "not set". */
export function showValue(v: unknown): string {
  if (v === undefined || v === null) return "not set";
  return JSON.stringify(v);
}

/**
 * The one message format of the pack: property, what the rule wants, rule and baseline, the bad value.
 * e.g. settings.requireSsl must be true (rule email-ssl-required, from Microsoft's …), got false
 */
export function violationMessage(finding: Finding, rule: { name: string; source: BaselineSource }): string {
  return `${finding.property} must ${finding.must} (rule ${rule.name}, from ${rule.source.name}), got ${showValue(finding.got)}`;
}
