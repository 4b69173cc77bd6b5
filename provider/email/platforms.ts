// The e-mail profile platforms of Intune's "Add e-mail settings to devices" page and their Graph types.
import { allNavigationProperties, loadGraphSchema, shortTypeName } from "../../schema";

export const emailPlatformNames = [
  "androidDeviceAdministrator",
  "androidEnterpriseWorkProfileGmail",
  "androidEnterpriseWorkProfileNineWork",
  "iosIpados",
  "windows10",
  "windowsPhone81",
  "androidForWorkGmail",
  "androidForWorkNineWork",
] as const;

export type EmailPlatform = (typeof emailPlatformNames)[number];

export type CertificateInput = "identityCertificateId" | "smimeSigningCertificateId" | "smimeEncryptionCertificateId" | "derivedCredentialSettingsId";

/** A certificate (or derived credential) link of a profile type. */
export interface CertificateRef {
  input: CertificateInput;
  navigation: string;
  /** Declared target type (short name). */
  targetType: string;
  targetCollection: "/deviceManagement/deviceConfigurations" | "/deviceManagement/derivedCredentials";
}

export interface PlatformInfo {
  platform: EmailPlatform;
  typeName: string;
  odataType: string;
  /** Android for Work profiles: Intune no longer creates them; they can only be adopted. */
  legacy: boolean;
  label: string;
  /** How the device matches an existing account (seed page): host + address, address only, or not at all. */
  duplicateKey: "hostAndAddress" | "address" | "none";
  certificateRefs: CertificateRef[];
}

const inputOf: Record<string, CertificateInput> = {
  identityCertificate: "identityCertificateId",
  smimeSigningCertificate: "smimeSigningCertificateId",
  smimeEncryptionCertificate: "smimeEncryptionCertificateId",
  derivedCredentialSettings: "derivedCredentialSettingsId",
};

const table: [EmailPlatform, string, boolean, string, PlatformInfo["duplicateKey"]][] = [
  ["androidDeviceAdministrator", "androidEasEmailProfileConfiguration", false, "Android device administrator (Samsung Knox Standard 5.0+)", "address"],
  ["androidEnterpriseWorkProfileGmail", "androidWorkProfileGmailEasConfiguration", false, "Android Enterprise work profile (Gmail)", "none"],
  ["androidEnterpriseWorkProfileNineWork", "androidWorkProfileNineWorkEasConfiguration", false, "Android Enterprise work profile (Nine Work)", "none"],
  ["iosIpados", "iosEasEmailProfileConfiguration", false, "iOS/iPadOS", "hostAndAddress"],
  ["windows10", "windows10EasEmailProfileConfiguration", false, "Windows 10", "hostAndAddress"],
  ["windowsPhone81", "windowsPhoneEASEmailProfileConfiguration", false, "Windows Phone 8.1", "hostAndAddress"],
  ["androidForWorkGmail", "androidForWorkGmailEasConfiguration", true, "Android for Work (Gmail, legacy)", "none"],
  ["androidForWorkNineWork", "androidForWorkNineWorkEasConfiguration", true, "Android for Work (Nine Work, legacy)", "none"],
];

function certificateRefs(typeName: string): CertificateRef[] {
  const schema = loadGraphSchema();
  return allNavigationProperties(schema, typeName)
    .filter((n) => !n.containsTarget && inputOf[n.name])
    .map((n) => ({
      input: inputOf[n.name],
      navigation: n.name,
      targetType: shortTypeName(n.type),
      targetCollection: n.name === "derivedCredentialSettings" ? "/deviceManagement/derivedCredentials" : "/deviceManagement/deviceConfigurations",
    }));
}

export const emailPlatforms: Record<EmailPlatform, PlatformInfo> = Object.fromEntries(
  table.map(([platform, typeName, legacy, label, duplicateKey]) => [
    platform,
    { platform, typeName, odataType: `#microsoft.graph.${typeName}`, legacy, label, duplicateKey, certificateRefs: certificateRefs(typeName) },
  ]),
) as Record<EmailPlatform, PlatformInfo>;

/** The platform of a Graph `@odata.type`, if it is an e-mail profile type. */
export function platformForOdataType(odataType: string): EmailPlatform | undefined {
  return emailPlatformNames.find((p) => emailPlatforms[p].odataType === odataType);
}
