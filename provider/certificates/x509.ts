// The certificate of a trusted-root profile, read at preview with Node's own X.509 parser: PEM or base64
// DER in, the facts Intune shows (subject, SHA-1 thumbprint, expiry) out, and a refusal naming what is
// wrong for anything a device could not use as a trust anchor. Pure: the clock is a parameter.
import { X509Certificate } from "crypto";
import * as forge from "node-forge";
import type { ValidationFailure } from "../errors";
import { show } from "../validation";

const DAY_IN_MS = 24 * 60 * 60 * 1000;

/** Options of {@link inspectRootCertificate}. */
export interface RootCertificateOptions {
  /** "Now", for tests. @default new Date() */
  readonly now?: Date;
  /** Warn when the certificate expires within this many days. @default 90 */
  readonly expiryWarningInDays?: number;
  /** Input name used in messages. @default "certificate" */
  readonly property?: string;
}

/** What the portal shows of a trusted root, plus the bytes Graph stores (`trustedRootCertificate`). */
export interface RootCertificateFacts {
  /** Distinguished name, e.g. "CN=Contoso Root CA, O=Contoso". */
  readonly subject: string;
  readonly issuer: string;
  /** SHA-1 of the DER bytes, upper-case hex without separators, as Intune and Windows show it. */
  readonly thumbprint: string;
  /** ISO 8601. */
  readonly notBefore: string;
  /** ISO 8601. */
  readonly expiresAt: string;
  /** Whole days from `now` to expiry (negative when expired). */
  readonly daysUntilExpiry: number;
  /** The DER bytes in base64: the Edm.Binary value Graph takes. */
  readonly base64Der: string;
  /** Whether subject and issuer are the same (a root, not an intermediate). */
  readonly selfIssued: boolean;
}

export interface RootCertificateInspection {
  readonly facts?: RootCertificateFacts;
  readonly failures: ValidationFailure[];
  readonly warnings: string[];
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** DER bytes of PEM text (exactly one CERTIFICATE block) or of base64 DER; a reason otherwise. */
export function certificateBytes(text: string, property = "certificate"): { der: Buffer } | { reason: string } {
  const trimmed = text.trim();
  if (trimmed === "") return { reason: `\`${property}\` must be an X.509 certificate as PEM or base64 DER, got ""` };
  if (trimmed.includes("-----BEGIN")) {
    const blocks = [...trimmed.matchAll(PEM_BLOCK)];
    const certs = blocks.filter((b) => b[1] === "CERTIFICATE");
    if (blocks.some((b) => /PRIVATE KEY/.test(b[1]))) {
      return { reason: `\`${property}\` must hold only the public CA certificate, got a ${blocks.find((b) => /PRIVATE KEY/.test(b[1]))![1]} block: never give a private key to Intune` };
    }
    if (certs.length !== 1) {
      return { reason: `\`${property}\` must hold exactly one PEM CERTIFICATE block (one trusted-root profile per CA certificate), got ${certs.length}` };
    }
    return { der: Buffer.from(certs[0][2].replace(/\s+/g, ""), "base64") };
  }
  const compact = trimmed.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    return { reason: `\`${property}\` must be an X.509 certificate as PEM or base64 DER, got ${show(trimmed.slice(0, 40))} (neither a PEM block nor base64)` };
  }
  return { der: Buffer.from(compact, "base64") };
}

/** How a certificate's basicConstraints extension reads, for messages (Node exposes only \`ca\`). */
function basicConstraintsOf(der: Buffer): string {
  try {
    const cert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(der.toString("binary"))));
    const ext = cert.getExtension("basicConstraints") as { cA?: boolean } | null;
    return ext ? (ext.cA ? "say CA:TRUE" : "say CA:FALSE") : "are missing";
  } catch {
    // forge reads fewer key types than Node (e.g. EC keys); the verdict stays Node's.
    return "do not say CA:TRUE";
  }
}

function isoDate(s: string): string {
  return new Date(s).toISOString();
}

/**
 * Checks that `text` is one X.509 CA certificate that is valid now: basicConstraints CA:TRUE (a leaf
 * or a certificate without basicConstraints cannot anchor a chain), not expired, already valid. Warns
 * when it expires within `expiryWarningInDays`.
 */
export function inspectRootCertificate(text: string, options: RootCertificateOptions = {}): RootCertificateInspection {
  const property = options.property ?? "certificate";
  const now = options.now ?? new Date();
  const warnDays = options.expiryWarningInDays ?? 90;
  const bytes = certificateBytes(text, property);
  if ("reason" in bytes) return { failures: [{ property, reason: bytes.reason }], warnings: [] };

  let cert: X509Certificate;
  try {
    cert = new X509Certificate(bytes.der);
  } catch (e) {
    return { failures: [{ property, reason: `\`${property}\` must be a parsable X.509 certificate, got ${bytes.der.length} bytes that are not one (${(e as Error).message})` }], warnings: [] };
  }
  const subject = cert.subject.split("\n").join(", ");
  const notAfter = Date.parse(cert.validTo);
  const notBefore = Date.parse(cert.validFrom);
  const facts: RootCertificateFacts = {
    subject,
    issuer: cert.issuer.split("\n").join(", "),
    thumbprint: cert.fingerprint.replace(/:/g, "").toUpperCase(),
    notBefore: isoDate(cert.validFrom),
    expiresAt: isoDate(cert.validTo),
    daysUntilExpiry: Math.floor((notAfter - now.getTime()) / DAY_IN_MS),
    base64Der: bytes.der.toString("base64"),
    selfIssued: cert.subject === cert.issuer,
  };

  const failures: ValidationFailure[] = [];
  if (!cert.ca) {
    failures.push({
      property,
      reason: `\`${property}\` must be a CA certificate (basicConstraints CA:TRUE), got "${subject}" whose basicConstraints ${basicConstraintsOf(bytes.der)}: a leaf certificate cannot be a trusted root`,
    });
  }
  if (notAfter <= now.getTime()) {
    failures.push({ property, reason: `\`${property}\` must not be expired, got "${subject}" that expired on ${facts.expiresAt}` });
  } else if (notBefore > now.getTime()) {
    failures.push({ property, reason: `\`${property}\` must already be valid, got "${subject}" that is valid only from ${facts.notBefore}` });
  }
  const warnings: string[] = [];
  if (failures.length === 0 && facts.daysUntilExpiry < warnDays) {
    warnings.push(`trusted root "${subject}" (thumbprint ${facts.thumbprint}) expires on ${facts.expiresAt}, in ${facts.daysUntilExpiry} days: devices stop trusting certificates it issued then; plan the new root now`);
  }
  return { facts, failures, warnings };
}
