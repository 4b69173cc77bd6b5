import * as pulumi from "@pulumi/pulumi";
import type { CertificateKind, CertificatePlatform, CertificateProfileSettings } from "./certificateSettings";
import { certificateLinkPlatforms } from "./certificateLinks";
import { ProtocolKeys, typeToken } from "../protocol";
import { IntuneDynamicResource } from "./provider";
import { expectedUrn, sourceUrn } from "./urn";

interface CertificateProfileCommonArgs {
  /** Name shown in the Intune admin center, e.g. "iOS: mail identity (SCEP)". */
  readonly displayName: pulumi.Input<string>;
  /** @default - no description */
  readonly description?: pulumi.Input<string>;
  /**
   * Id of the TrustedRootCertificate of the issuing CA (`root.id`), of the same platform; required for
   * SCEP. iOS/iPadOS PKCS profiles have no root link.
   * @default - no root link
   */
  readonly trustedRootId?: pulumi.Input<string>;
  /** Scope tag ids. @default ["0"] - the built-in Default tag */
  readonly scopeTagIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** Take over an existing certificate profile with this id instead of creating one. @default - a new profile */
  readonly adoptExistingId?: pulumi.Input<string>;
}

/** Arguments of {@link CertificateProfile}: `settings` typed by `platform` and `kind`. */
export type CertificateProfileArgs = {
  [P in CertificatePlatform]: {
    [K in CertificateKind]: CertificateProfileCommonArgs & {
      /** Device platform; changing it replaces the profile. */
      readonly platform: P;
      /** SCEP (devices enrol through NDES) or PKCS (Intune's certificate connector); changing it replaces the profile. */
      readonly kind: K;
      /** Graph's settings of this platform's SCEP or PKCS type; only what is given is managed. */
      readonly settings: pulumi.Input<CertificateProfileSettings[P][K]>;
    };
  }[CertificateKind];
}[CertificatePlatform];

/**
 * A SCEP or PKCS certificate profile (Graph beta `…ScepCertificateProfile` / `…PkcsCertificateProfile`)
 * that gives devices an identity certificate, e.g. for certificate-based e-mail
 * (`identityCertificateId: profile.id` on an EmailProfile of the same platform).
 */
export class CertificateProfile extends IntuneDynamicResource {
  /** The type token, so policies can match with `validateResourceOfType(CertificateProfile, …)`. */
  public static readonly __pulumiType: string = typeToken("CertificateProfile");
  declare public readonly displayName: pulumi.Output<string>;
  declare public readonly platform: pulumi.Output<CertificatePlatform>;
  declare public readonly kind: pulumi.Output<CertificateKind>;
  declare public readonly trustedRootId: pulumi.Output<string | undefined>;
  /** Every setting as the tenant reports it. */
  declare public readonly settings: pulumi.Output<Record<string, unknown>>;
  declare public readonly odataType: pulumi.Output<string>;
  declare public readonly version: pulumi.Output<number>;

  constructor(name: string, args: CertificateProfileArgs, opts?: pulumi.CustomResourceOptions) {
    const outputsOnly = { trustedRootId: undefined, odataType: undefined, version: undefined };
    const linked = certificateLinkPlatforms.of({ trustedRootId: args.trustedRootId });
    super(
      "CertificateProfile",
      name,
      {
        ...outputsOnly,
        ...args,
        [ProtocolKeys.urn]: expectedUrn(typeToken("CertificateProfile"), name, opts),
        ...(linked ? { [ProtocolKeys.linkedPlatforms]: linked } : {}),
        ...(args.trustedRootId !== undefined ? { [ProtocolKeys.trustedRootUrn]: sourceUrn(args.trustedRootId, typeToken("TrustedRootCertificate")) } : {}),
      },
      pulumi.mergeOptions({ replaceOnChanges: ["platform", "kind"] }, opts ?? {}),
    );
    certificateLinkPlatforms.remember(this.id, args.platform);
  }
}
