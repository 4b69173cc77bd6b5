import * as pulumi from "@pulumi/pulumi";
import type { EmailPlatformSettings } from "./emailProfileSettings";
import { certificateLinkPlatforms } from "./certificateLinks";
import { declaredResources } from "./declared";
import { ProtocolKeys, typeToken } from "../protocol";
import { IntuneDynamicResource } from "./provider";
import { expectedUrn, sourceUrn } from "./urn";

/** Platforms of an e-mail profile, as the Intune admin center names them. */
export type EmailPlatform = keyof EmailPlatformSettings;

/** Certificate inputs of the iOS/iPadOS profile type. */
interface IosCertificateInputs {
  /**
   * Id of the iOS PKCS or SCEP certificate profile that authenticates the account; required when
   * `settings.authenticationMethod` is "certificate".
   * @default - no identity certificate
   */
  readonly identityCertificateId?: pulumi.Input<string>;
  /**
   * Id of the iOS certificate profile (PKCS, SCEP or imported PFX) that signs S/MIME mail.
   * @default - no signing certificate
   */
  readonly smimeSigningCertificateId?: pulumi.Input<string>;
  /**
   * Id of the iOS certificate profile (PKCS, SCEP or imported PFX) that encrypts S/MIME mail.
   * @default - no encryption certificate
   */
  readonly smimeEncryptionCertificateId?: pulumi.Input<string>;
  /**
   * Id of the derived credential settings (`/deviceManagement/derivedCredentials`); required when
   * `settings.authenticationMethod` is "derivedCredential".
   * @default - no derived credential
   */
  readonly derivedCredentialSettingsId?: pulumi.Input<string>;
}

/** Certificate inputs of the Android device administrator (Samsung Knox) profile type. */
interface AndroidCertificateInputs {
  /**
   * Id of the Android (device administrator) PKCS, SCEP or imported PFX certificate profile; required when
   * `settings.authenticationMethod` is "certificate".
   * @default - no identity certificate
   */
  readonly identityCertificateId?: pulumi.Input<string>;
  /**
   * Id of the Android certificate profile that signs S/MIME mail; required when `settings.requireSmime` is true.
   * @default - no signing certificate
   */
  readonly smimeSigningCertificateId?: pulumi.Input<string>;
}

/** Certificate input of the Android Enterprise profile types. */
interface AndroidEnterpriseCertificateInputs {
  /**
   * Id of the work-profile PKCS or SCEP certificate profile; required when `settings.authenticationMethod`
   * is "certificate".
   * @default - no identity certificate
   */
  readonly identityCertificateId?: pulumi.Input<string>;
}

/** Which certificate inputs each platform's profile type has (Windows has none). */
interface CertificateInputsByPlatform {
  iosIpados: IosCertificateInputs;
  androidDeviceAdministrator: AndroidCertificateInputs;
  androidEnterpriseWorkProfileGmail: AndroidEnterpriseCertificateInputs;
  androidEnterpriseWorkProfileNineWork: AndroidEnterpriseCertificateInputs;
  androidForWorkGmail: AndroidEnterpriseCertificateInputs;
  androidForWorkNineWork: AndroidEnterpriseCertificateInputs;
  windows10: {};
  windowsPhone81: {};
}

/** The arguments common to every platform. */
interface EmailProfileCommonArgs {
  /** Name shown in the Intune admin center, e.g. "iOS: Exchange for all iPhones". */
  readonly displayName: pulumi.Input<string>;
  /**
   * Free text for admins.
   * @default - no description
   */
  readonly description?: pulumi.Input<string>;
  /**
   * Ids of the scope tags that limit which admins see the profile (`ScopeTag.id`, or "0" for Default).
   * @default ["0"] - the built-in Default tag
   */
  readonly scopeTagIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Take over an existing profile with this id instead of creating one (Pulumi's `import` does not work
   * for dynamic resources). The profile is updated to these arguments on the first `up`. Legacy
   * `androidForWork…` profiles can only be adopted.
   * @default - a new profile is created
   */
  readonly adoptExistingId?: pulumi.Input<string>;
}

/**
 * Arguments of {@link EmailProfile}: a discriminated union on `platform`, so `settings` and the
 * certificate inputs are typed for the chosen platform.
 */
export type EmailProfileArgs = {
  [P in EmailPlatform]: EmailProfileCommonArgs &
    CertificateInputsByPlatform[P] & {
      /** Device platform; changing it replaces the profile (Intune has one profile type per platform). */
      readonly platform: P;
      /**
       * The e-mail settings, with Graph's own property names for this platform's profile type, so
       * Microsoft's documentation maps one to one. Unset settings take the service's defaults.
       */
      readonly settings: pulumi.Input<EmailPlatformSettings[P]>;
    };
}[EmailPlatform];

/**
 * An Exchange ActiveSync e-mail profile (`/deviceManagement/deviceConfigurations`, Graph beta) for one
 * of the platforms of Intune's "Add e-mail settings to devices" page. Inputs are validated at preview;
 * a change of `platform` replaces the profile; every other change is an update in place.
 */
export class EmailProfile extends IntuneDynamicResource {
  /**
   * The type token, read by typed policies (`validateResourceOfType(EmailProfile, …)` of @pulumi/policy 1.18+)
   * to match this class without an instance check.
   */
  public static readonly __pulumiType: string = typeToken("EmailProfile");

  declare public readonly displayName: pulumi.Output<string>;
  declare public readonly description: pulumi.Output<string | undefined>;
  declare public readonly platform: pulumi.Output<EmailPlatform>;
  declare public readonly scopeTagIds: pulumi.Output<string[]>;
  /** Every setting of the profile type, as the tenant reports it. */
  declare public readonly settings: pulumi.Output<Record<string, unknown>>;
  declare public readonly identityCertificateId: pulumi.Output<string | undefined>;
  declare public readonly smimeSigningCertificateId: pulumi.Output<string | undefined>;
  declare public readonly smimeEncryptionCertificateId: pulumi.Output<string | undefined>;
  declare public readonly derivedCredentialSettingsId: pulumi.Output<string | undefined>;
  /** Graph type of the profile, e.g. `#microsoft.graph.iosEasEmailProfileConfiguration`. */
  declare public readonly odataType: pulumi.Output<string>;
  /** Version counter kept by Intune; it grows with every change. */
  declare public readonly version: pulumi.Output<number>;
  declare public readonly createdDateTime: pulumi.Output<string>;
  declare public readonly lastModifiedDateTime: pulumi.Output<string>;
  /** False on legacy profiles, which cannot carry scope tags. */
  declare public readonly supportsScopeTags: pulumi.Output<boolean>;

  constructor(name: string, args: EmailProfileArgs, opts?: pulumi.CustomResourceOptions) {
    const outputsOnly = {
      odataType: undefined,
      version: undefined,
      createdDateTime: undefined,
      lastModifiedDateTime: undefined,
      supportsScopeTags: undefined,
      identityCertificateId: undefined,
      smimeSigningCertificateId: undefined,
      smimeEncryptionCertificateId: undefined,
      derivedCredentialSettingsId: undefined,
      description: undefined,
      scopeTagIds: undefined,
    };
    const links = args as { identityCertificateId?: pulumi.Input<string>; smimeSigningCertificateId?: pulumi.Input<string>; smimeEncryptionCertificateId?: pulumi.Input<string> };
    // The platforms of linked certificate profiles this program made, for the platform rule at preview.
    const linked = certificateLinkPlatforms.of({
      identityCertificateId: links.identityCertificateId,
      smimeSigningCertificateId: links.smimeSigningCertificateId,
      smimeEncryptionCertificateId: links.smimeEncryptionCertificateId,
    });
    super(
      "EmailProfile",
      name,
      // The URN lets the provider attach impact warnings to this resource.
      {
        ...outputsOnly,
        ...args,
        [ProtocolKeys.urn]: expectedUrn(typeToken("EmailProfile"), name, opts),
        ...(linked ? { [ProtocolKeys.linkedPlatforms]: linked } : {}),
        // The certificate profile's resource, for the chain rule of the impact analysis (ids are unknown at preview).
        ...(links.identityCertificateId !== undefined ? { [ProtocolKeys.identityCertificateUrn]: sourceUrn(links.identityCertificateId, typeToken("CertificateProfile")) } : {}),
      },
      pulumi.mergeOptions({ replaceOnChanges: ["platform"] }, opts ?? {}),
    );
    declaredResources.addProfile(this, args);
  }
}
