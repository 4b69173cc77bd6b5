import * as pulumi from "@pulumi/pulumi";
import type { CertificatePlatform } from "./certificateSettings";
import { certificateLinkPlatforms } from "./certificateLinks";
import { ProtocolKeys, typeToken } from "../protocol";
import { IntuneDynamicResource } from "./provider";
import { expectedUrn } from "./urn";

/** Arguments of {@link TrustedRootCertificate}. */
export interface TrustedRootCertificateArgs {
  /** Name shown in the Intune admin center, e.g. "iOS: Contoso Root CA". */
  readonly displayName: pulumi.Input<string>;
  /** @default - no description */
  readonly description?: pulumi.Input<string>;
  /** Device platform; changing it replaces the profile (one Graph type per platform). */
  readonly platform: pulumi.Input<CertificatePlatform>;
  /**
   * The CA certificate as PEM or base64 DER, e.g. `fs.readFileSync("root.cer", "utf8")`. Checked at
   * preview: one X.509 certificate with basicConstraints CA:TRUE, valid now.
   */
  readonly certificate: pulumi.Input<string>;
  /** File name shown in the portal. @default - none */
  readonly certFileName?: pulumi.Input<string>;
  /** Warn at preview when the certificate expires within this many days. @default 90 */
  readonly expiryWarningInDays?: pulumi.Input<number>;
  /** Scope tag ids. @default ["0"] - the built-in Default tag */
  readonly scopeTagIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** Take over an existing trusted-root profile with this id instead of creating one. @default - a new profile */
  readonly adoptExistingId?: pulumi.Input<string>;
}

/**
 * A trusted certificate profile (`iosTrustedRootCertificate`, `androidTrustedRootCertificate`,
 * `androidWorkProfileTrustedRootCertificate`, Graph beta): puts a root CA certificate on devices so they
 * trust certificates it issued. Link SCEP/PKCS profiles to it with `trustedRootId: root.id`.
 */
export class TrustedRootCertificate extends IntuneDynamicResource {
  /** The type token, so policies can match with `validateResourceOfType(TrustedRootCertificate, …)`. */
  public static readonly __pulumiType: string = typeToken("TrustedRootCertificate");
  declare public readonly displayName: pulumi.Output<string>;
  declare public readonly platform: pulumi.Output<CertificatePlatform>;
  /** Subject of the certificate the tenant holds, e.g. "CN=Contoso Root CA, O=Contoso". */
  declare public readonly subject: pulumi.Output<string>;
  /** SHA-1 thumbprint, upper-case hex, as Intune shows it. */
  declare public readonly thumbprint: pulumi.Output<string>;
  /** Expiry of the certificate (ISO 8601). */
  declare public readonly expiresAt: pulumi.Output<string>;
  /** Settings as the tenant reports them (`trustedRootCertificate`, `certFileName`). */
  declare public readonly settings: pulumi.Output<Record<string, unknown>>;
  declare public readonly odataType: pulumi.Output<string>;
  declare public readonly version: pulumi.Output<number>;

  constructor(name: string, args: TrustedRootCertificateArgs, opts?: pulumi.CustomResourceOptions) {
    const outputsOnly = { subject: undefined, thumbprint: undefined, expiresAt: undefined, settings: undefined, odataType: undefined, version: undefined };
    super(
      "TrustedRootCertificate",
      name,
      { ...outputsOnly, ...args, [ProtocolKeys.urn]: expectedUrn(typeToken("TrustedRootCertificate"), name, opts) },
      pulumi.mergeOptions({ replaceOnChanges: ["platform"] }, opts ?? {}),
    );
    certificateLinkPlatforms.remember(this.id, args.platform);
  }
}
