// Which certificate links a refresh reads. Each link is its own GET (Graph has no `$expand` for them),
// so reading every link of every profile more than doubled the requests of a refresh (2.5 per resource
// at a thousand profiles, over Intune's 1,000 per 20 s). A link is read when the program declares it,
// when the state recorded one, or when the profile's own settings can use one (certificate or derived
// credential authentication, any S/MIME setting on). What is not read: a link bound out of band on a
// profile whose settings never use it, which has no effect on devices; it shows once a setting turns
// it on. The read-back after an update reads the same links (only a create or an adoption reads all).
import { type CertificateInput, type EmailPlatform, emailPlatforms } from "./platforms";

/** An object as Graph answers it. */
type GraphObject = Record<string, unknown>;

/** Settings that make a profile use certificate links, and the values that mean "not used". */
const linkSwitches: readonly string[] = [
  "authenticationMethod",
  "requireSmime",
  "smimeSigningEnabled",
  "smimeEncryptByDefaultEnabled",
  "smimeEnablePerMessageSwitch",
  "signingCertificateType",
  "encryptionCertificateType",
];
const offValues: readonly unknown[] = [undefined, null, false, "none", "usernameAndPassword"];

/** Whether the live body's settings can use a certificate or credential link. */
export function linksMayBeInUse(live: GraphObject): boolean {
  return linkSwitches.some((k) => !offValues.includes(live[k]));
}

/**
 * The links of `platform` to read for a profile: `known` (declared or recorded) always; the others only
 * when {@link linksMayBeInUse} says so for the live body (`undefined` before the body is read).
 */
export function linksToRead(platform: EmailPlatform, known: ReadonlySet<CertificateInput>, live?: GraphObject): CertificateInput[] {
  const all = emailPlatforms[platform].certificateRefs.map((r) => r.input);
  if (live !== undefined && linksMayBeInUse(live)) return all;
  return all.filter((input) => known.has(input));
}
