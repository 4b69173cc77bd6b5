// Subject and subject-alternative-name formats of SCEP and PKCS certificate profiles: static text plus
// Intune's variables in double curly brackets. The variable lists are those of Microsoft's pages
// "Create and assign SCEP certificate profiles in Intune" and "Configure and use PKCS certificates with
// Intune" (memdocs/intune/protect/certificates-profile-scep.md, certificates-pfx-configure.md): user
// variables for user certificates, device variables for both. Intune matches variable names without
// regard to case (the pages spell {{SERIALNUMBER}} and {{SerialNumber}} side by side).
import type { ValidationFailure } from "../errors";
import { show } from "../validation";

/** Variables only a certificate issued to a user can carry. */
export const userCertificateVariables = [
  "UserName",
  "UserPrincipalName",
  "EmailAddress",
  "OnPrem_Distinguished_Name",
  "OnPremisesSamAccountName",
] as const;

/** Variables of the device, usable in user and device certificates. */
export const deviceCertificateVariables = [
  "AAD_Device_ID",
  "AzureADDeviceId",
  "Device_Serial",
  "Device_IMEI",
  "SerialNumber",
  "IMEINumber",
  "WiFiMacAddress",
  "IMEI",
  "DeviceName",
  "FullyQualifiedDomainName",
  "MEID",
] as const;

/** Whom the certificate is issued to: the user (user store) or the device (machine store). */
export type CertificateSubjectKind = "user" | "device";

const canonical = new Map<string, string>(
  [...userCertificateVariables, ...deviceCertificateVariables].map((v) => [v.toLowerCase(), v]),
);
const userOnly = new Set<string>(userCertificateVariables.map((v) => v.toLowerCase()));

/** The variables of a format string, or the reason it is malformed. */
export function formatVariables(format: string): { variables: string[] } | { reason: string } {
  const variables: string[] = [];
  let rest = format;
  for (;;) {
    const open = rest.indexOf("{{");
    const close = rest.indexOf("}}");
    if (open < 0) {
      if (close >= 0 || /[{}]/.test(rest)) return { reason: `has a curly bracket outside a {{variable}}` };
      return { variables };
    }
    if (/[{}]/.test(rest.slice(0, open))) return { reason: `has a curly bracket outside a {{variable}}` };
    const end = rest.indexOf("}}", open + 2);
    if (end < 0) return { reason: `opens "{{" without closing "}}"` };
    variables.push(rest.slice(open + 2, end));
    rest = rest.slice(end + 2);
  }
}

/**
 * Checks one format string: well-formed brackets, only documented variables, and for device
 * certificates no user variables (the service has no user to take them from).
 */
export function subjectFormatFailures(property: string, format: string, kind: CertificateSubjectKind): ValidationFailure[] {
  const parsed = formatVariables(format);
  if ("reason" in parsed) return [{ property, reason: `\`${property}\` ${parsed.reason}, got ${show(format)}` }];
  const failures: ValidationFailure[] = [];
  for (const v of parsed.variables) {
    const known = canonical.get(v.trim().toLowerCase());
    if (!known) {
      failures.push({
        property,
        reason: `\`${property}\` uses the unknown variable {{${v}}}; Intune's variables are ${[...canonical.values()].map((n) => `{{${n}}}`).join(", ")}, got ${show(format)}`,
      });
    } else if (kind === "device" && userOnly.has(known.toLowerCase())) {
      failures.push({
        property,
        reason: `\`${property}\` uses the user variable {{${known}}} in a device certificate (certificateStore "machine"), which can carry only device variables, got ${show(format)}`,
      });
    }
  }
  return failures;
}
