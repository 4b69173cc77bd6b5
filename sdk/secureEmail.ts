import * as pulumi from "@pulumi/pulumi";
import type { CertificateKind, CertificatePlatform, CertificateProfileSettings } from "./certificateSettings";
import { CertificateProfile } from "./certificateProfile";
import { EmailProfile, type EmailProfileArgs } from "./emailProfile";
import type { EmailPlatformSettings } from "./emailProfileSettings";
import { ProfileAssignment, type ProfileAssignmentTarget } from "./profileAssignment";
import { TrustedRootCertificate, type TrustedRootCertificateArgs } from "./trustedRootCertificate";

/** E-mail platforms that authenticate with a certificate, and the certificate platform each one uses. */
const certificatePlatformOf = {
  iosIpados: "iosIpados",
  androidDeviceAdministrator: "androidDeviceAdministrator",
  androidEnterpriseWorkProfileGmail: "androidEnterpriseWorkProfile",
  androidEnterpriseWorkProfileNineWork: "androidEnterpriseWorkProfile",
} as const satisfies Record<string, CertificatePlatform>;

/** E-mail platforms {@link SecureEmail} supports. */
export type SecureEmailPlatform = keyof typeof certificatePlatformOf;

/** One SCEP or PKCS certificate profile of a {@link SecureEmail}; its platform is the e-mail profile's. */
export type SecureEmailCertificate<P extends CertificatePlatform> = {
  [K in CertificateKind]: {
    /** Name in the Intune admin center. @default "<e-mail display name> (identity certificate)" etc. */
    readonly displayName?: pulumi.Input<string>;
    readonly description?: pulumi.Input<string>;
    readonly kind: K;
    readonly settings: pulumi.Input<CertificateProfileSettings[P][K]>;
    /** Take over an existing profile. @default - a new profile */
    readonly adoptExistingId?: pulumi.Input<string>;
  };
}[CertificateKind];

type EmailSettings<P extends SecureEmailPlatform> = Omit<EmailPlatformSettings[P], "authenticationMethod">;

/** Arguments of {@link SecureEmail}, typed by `platform`. */
export type SecureEmailArgs = {
  [P in SecureEmailPlatform]: {
    /** The e-mail profile's platform; the certificate and root profiles get the matching certificate platform. */
    readonly platform: P;
    /** The e-mail profile (authentication is always "certificate"). */
    readonly email: {
      readonly displayName: pulumi.Input<string>;
      readonly description?: pulumi.Input<string>;
      readonly settings: pulumi.Input<EmailSettings<P>>;
      readonly adoptExistingId?: pulumi.Input<string>;
    };
    /** The trusted root of the CA that issues the identity certificate. */
    readonly trustedRoot: Omit<TrustedRootCertificateArgs, "platform" | "scopeTagIds" | "displayName"> & { readonly displayName?: pulumi.Input<string> };
    /** The identity certificate that authenticates the mailbox. */
    readonly identityCertificate: SecureEmailCertificate<(typeof certificatePlatformOf)[P]>;
    /**
     * S/MIME certificates (iOS/iPadOS: signing and encryption; Android device administrator: signing).
     * Enable S/MIME in `email.settings` as well.
     * @default - no S/MIME
     */
    readonly smime?: {
      readonly signing?: SecureEmailCertificate<(typeof certificatePlatformOf)[P]>;
      readonly encryption?: SecureEmailCertificate<(typeof certificatePlatformOf)[P]>;
    };
    /** Who gets all of it: one set of targets (include, exclude, filters) for every profile. */
    readonly targets: pulumi.Input<pulumi.Input<ProfileAssignmentTarget>[]>;
    /** Scope tags of every profile. @default ["0"] */
    readonly scopeTagIds?: pulumi.Input<pulumi.Input<string>[]>;
  };
}[SecureEmailPlatform];

const smimeSupport: Record<SecureEmailPlatform, ("signing" | "encryption")[]> = {
  iosIpados: ["signing", "encryption"],
  androidDeviceAdministrator: ["signing"],
  androidEnterpriseWorkProfileGmail: [],
  androidEnterpriseWorkProfileNineWork: [],
};

/**
 * Certificate-based e-mail as one unit: the trusted root, the identity certificate profile linked to
 * it, optional S/MIME certificate profiles, and the e-mail profile that uses them, all assigned to the
 * **same** targets, so every device that gets the e-mail profile can get its certificate and validate
 * its chain. Children are ordinary resources (adoptable, reviewable, visible in preview), created
 * root → certificates → e-mail profile → assignments and deleted in reverse.
 */
export class SecureEmail extends pulumi.ComponentResource {
  public readonly trustedRoot: TrustedRootCertificate;
  public readonly identityCertificate: CertificateProfile;
  public readonly smimeSigningCertificate?: CertificateProfile;
  public readonly smimeEncryptionCertificate?: CertificateProfile;
  public readonly emailProfile: EmailProfile;
  /** One ProfileAssignment per profile, all with the same targets. */
  public readonly assignments: ProfileAssignment[];

  constructor(name: string, args: SecureEmailArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pulumi-intune:index:SecureEmail", name, {}, opts);
    const certificatePlatform = certificatePlatformOf[args.platform];
    if (!certificatePlatform) throw new Error(`SecureEmail \`platform\` must be one of ${Object.keys(certificatePlatformOf).map((p) => `"${p}"`).join(", ")}, got ${JSON.stringify(args.platform)}`);
    for (const which of ["signing", "encryption"] as const) {
      if (args.smime?.[which] && !smimeSupport[args.platform].includes(which)) {
        throw new Error(`SecureEmail \`smime.${which}\` is not supported on platform "${args.platform}" (its e-mail profile type has no S/MIME ${which} certificate link)`);
      }
    }
    const child = { parent: this };
    const label = pulumi.output(args.email.displayName);
    const scopeTagIds = args.scopeTagIds;

    this.trustedRoot = new TrustedRootCertificate(`${name}-root`, {
      ...args.trustedRoot,
      displayName: args.trustedRoot.displayName ?? pulumi.interpolate`${label} (trusted root)`,
      platform: certificatePlatform,
      scopeTagIds,
    }, child);

    const certificate = (role: string, spec: SecureEmailCertificate<CertificatePlatform>, suffix: string) =>
      new CertificateProfile(`${name}-${role}`, {
        displayName: spec.displayName ?? pulumi.interpolate`${label} (${suffix})`,
        description: spec.description,
        platform: certificatePlatform,
        kind: spec.kind,
        settings: spec.settings,
        trustedRootId: spec.kind === "pkcs" && certificatePlatform === "iosIpados" ? undefined : this.trustedRoot.id,
        scopeTagIds,
        adoptExistingId: spec.adoptExistingId,
      } as never, { ...child, dependsOn: [this.trustedRoot] });

    this.identityCertificate = certificate("identity", args.identityCertificate, "identity certificate");
    if (args.smime?.signing) this.smimeSigningCertificate = certificate("smime-signing", args.smime.signing, "S/MIME signing");
    if (args.smime?.encryption) this.smimeEncryptionCertificate = certificate("smime-encryption", args.smime.encryption, "S/MIME encryption");
    const certificates = [this.identityCertificate, this.smimeSigningCertificate, this.smimeEncryptionCertificate].filter((c): c is CertificateProfile => c !== undefined);

    this.emailProfile = new EmailProfile(`${name}-email`, {
      displayName: args.email.displayName,
      description: args.email.description,
      platform: args.platform,
      settings: pulumi.output(args.email.settings as pulumi.Input<Record<string, unknown>>).apply((s) => ({ ...s, authenticationMethod: "certificate" })),
      identityCertificateId: this.identityCertificate.id,
      ...(this.smimeSigningCertificate ? { smimeSigningCertificateId: this.smimeSigningCertificate.id } : {}),
      ...(this.smimeEncryptionCertificate ? { smimeEncryptionCertificateId: this.smimeEncryptionCertificate.id } : {}),
      scopeTagIds,
      adoptExistingId: args.email.adoptExistingId,
    } as unknown as EmailProfileArgs, { ...child, dependsOn: certificates });

    // Assigned only once everything exists, so no device gets an e-mail profile whose certificate is not there yet.
    const assign = (role: string, profile: pulumi.CustomResource & { id: pulumi.Output<string> }) =>
      new ProfileAssignment(`${name}-${role}-assignment`, { profileId: profile.id, targets: args.targets }, { ...child, dependsOn: [this.emailProfile] });
    this.assignments = [
      assign("root", this.trustedRoot),
      ...certificates.map((c) => assign(c === this.identityCertificate ? "identity" : c === this.smimeSigningCertificate ? "smime-signing" : "smime-encryption", c)),
      assign("email", this.emailProfile),
    ];
    this.registerOutputs({ emailProfileId: this.emailProfile.id, identityCertificateId: this.identityCertificate.id, trustedRootId: this.trustedRoot.id });
  }
}
