// The certificate platforms: those whose e-mail profiles can authenticate with a certificate (iOS/iPadOS,
// Android device administrator, Android Enterprise work profile), their trusted-root and SCEP/PKCS
// Graph types, and which e-mail platform uses which certificate platform. Settings and links come
// from Microsoft's schema extract, like the e-mail profile types.
import { allNavigationProperties, loadGraphSchema, type SchemaProperty } from "../../schema";
import type { EmailPlatform } from "../email/platforms";
import { normaliseProperties, propertiesFromGraph, propertiesToGraph } from "../email/wire";
import type { ManagedModel, Settings } from "../email/managed";
import { notSettings } from "../email/settings";

export const certificatePlatformNames = ["iosIpados", "androidDeviceAdministrator", "androidEnterpriseWorkProfile"] as const;
export type CertificatePlatform = (typeof certificatePlatformNames)[number];

export const certificateKindNames = ["scep", "pkcs"] as const;
/** SCEP: the device asks the CA through NDES; PKCS: Intune's certificate connector asks for it. */
export type CertificateKind = (typeof certificateKindNames)[number];

/** One managed Graph type (a trusted root, or a SCEP or PKCS profile of one platform). */
export interface CertificateTypeInfo {
  readonly typeName: string;
  readonly odataType: string;
  /** The settable properties (everything but what `displayName`, `description` etc. cover). */
  readonly properties: readonly SchemaProperty[];
  /** Whether the type links its trusted root (`rootCertificate`); iOS PKCS does not. */
  readonly hasRootLink: boolean;
  /** Whether the type says where the certificate goes (`certificateStore`: user or machine). */
  readonly hasCertificateStore: boolean;
  /** The drift model's view of the type. */
  readonly model: ManagedModel;
}

export interface CertificatePlatformInfo {
  readonly platform: CertificatePlatform;
  readonly label: string;
  readonly trustedRoot: CertificateTypeInfo;
  readonly profiles: Record<CertificateKind, CertificateTypeInfo>;
}

/** The one link of a certificate profile: its trusted root. */
export const ROOT_LINK = { input: "trustedRootId", navigation: "rootCertificate" } as const;

function typeInfo(typeName: string): CertificateTypeInfo {
  const schema = loadGraphSchema();
  const flat = schema.flattenedDeviceConfigurationTypes[typeName];
  if (!flat) throw new Error(`schema extract lacks ${typeName}`);
  const properties = flat.properties.filter((p) => !notSettings.has(p.name));
  const hasRootLink = allNavigationProperties(schema, typeName).some((n) => n.name === ROOT_LINK.navigation && !n.containsTarget);
  return {
    typeName,
    odataType: `#microsoft.graph.${typeName}`,
    properties,
    hasRootLink,
    hasCertificateStore: properties.some((p) => p.name === "certificateStore"),
    model: {
      settingKeys: properties.map((p) => p.name),
      settingsFromGraph: (live) => propertiesFromGraph(properties, live),
      linkInputs: hasRootLink ? [ROOT_LINK.input] : [],
    },
  };
}

const table: [CertificatePlatform, string, string, string, string][] = [
  ["iosIpados", "iOS/iPadOS", "iosTrustedRootCertificate", "iosScepCertificateProfile", "iosPkcsCertificateProfile"],
  ["androidDeviceAdministrator", "Android device administrator (Samsung Knox)", "androidTrustedRootCertificate", "androidScepCertificateProfile", "androidPkcsCertificateProfile"],
  ["androidEnterpriseWorkProfile", "Android Enterprise work profile", "androidWorkProfileTrustedRootCertificate", "androidWorkProfileScepCertificateProfile", "androidWorkProfilePkcsCertificateProfile"],
];

export const certificatePlatforms: Record<CertificatePlatform, CertificatePlatformInfo> = Object.fromEntries(
  table.map(([platform, label, root, scep, pkcs]) => [platform, { platform, label, trustedRoot: typeInfo(root), profiles: { scep: typeInfo(scep), pkcs: typeInfo(pkcs) } }]),
) as Record<CertificatePlatform, CertificatePlatformInfo>;

/** The certificate platform whose profiles an e-mail platform's certificate links accept. */
export const certificatePlatformOfEmail: Partial<Record<EmailPlatform, CertificatePlatform>> = {
  iosIpados: "iosIpados",
  androidDeviceAdministrator: "androidDeviceAdministrator",
  androidEnterpriseWorkProfileGmail: "androidEnterpriseWorkProfile",
  androidEnterpriseWorkProfileNineWork: "androidEnterpriseWorkProfile",
};

/** The certificate platform and role of a Graph `@odata.type`, if it is one of ours. */
export function certificateTypeOf(odataType: string): { platform: CertificatePlatform; role: "trustedRoot" | CertificateKind } | undefined {
  for (const p of certificatePlatformNames) {
    const info = certificatePlatforms[p];
    if (info.trustedRoot.odataType === odataType) return { platform: p, role: "trustedRoot" };
    for (const k of certificateKindNames) if (info.profiles[k].odataType === odataType) return { platform: p, role: k };
  }
  return undefined;
}

/** Settings in our representation (flags as lists), only declared keys, schema order. */
export function normaliseCertificateSettings(info: CertificateTypeInfo, settings: Settings): Settings {
  return normaliseProperties(info.properties, settings);
}

/** Settings as Graph takes them (flags comma-joined). */
export function certificateSettingsToGraph(info: CertificateTypeInfo, settings: Settings): Settings {
  return propertiesToGraph(info.properties, settings);
}
