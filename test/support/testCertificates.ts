// X.509 certificates for tests: a CA, a leaf (CA:FALSE), one without basicConstraints, expired or
// soon-expiring ones. Keys from Node, certificates assembled and self-signed with node-forge.
import * as crypto from "crypto";
import * as forge from "node-forge";

const DAY_IN_MS = 24 * 60 * 60 * 1000;

export interface TestCertificateOptions {
  readonly commonName?: string;
  /** `true`: CA:TRUE; `false`: CA:FALSE; `"missing"`: no basicConstraints extension. @default true */
  readonly ca?: boolean | "missing";
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

let key: { priv: forge.pki.rsa.PrivateKey; pub: forge.pki.PublicKey } | undefined;
function keyPair() {
  if (!key) {
    const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 1024 });
    const priv = forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()) as unknown as forge.pki.rsa.PrivateKey;
    key = { priv, pub: forge.pki.setRsaPublicKey(priv.n, priv.e) };
  }
  return key;
}

/**
 * A self-signed certificate as PEM. node-forge now and then encodes one that OpenSSL (Node's X509Certificate,
 * which the provider uses) refuses to parse; such a one is made again with another serial number.
 */
export function testCertificatePem(options: TestCertificateOptions = {}): string {
  for (let attempt = 1; ; attempt++) {
    const pem = forgeCertificatePem(options);
    try {
      new crypto.X509Certificate(pem);
      return pem;
    } catch (e) {
      if (attempt >= 10) throw e;
    }
  }
}

function forgeCertificatePem(options: TestCertificateOptions): string {
  const { priv, pub } = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = pub;
  cert.serialNumber = "0" + crypto.randomBytes(8).toString("hex");
  cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - DAY_IN_MS);
  cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 3650 * DAY_IN_MS);
  const subject = [{ name: "commonName", value: options.commonName ?? "Contoso Test Root CA" }, { name: "organizationName", value: "Contoso" }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  const ca = options.ca ?? true;
  if (ca !== "missing") cert.setExtensions([{ name: "basicConstraints", cA: ca, critical: true }]);
  cert.sign(priv, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** The base64 DER of a PEM certificate. */
export function base64DerOf(pem: string): string {
  return pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
}

export const daysFromNow = (days: number): Date => new Date(Date.now() + days * DAY_IN_MS);

/** Settings of a complete SCEP profile (every platform takes them): the base tests vary. */
export const scepSettings = {
  subjectNameFormat: "custom",
  subjectNameFormatString: "CN={{UserPrincipalName}}",
  keyUsage: ["digitalSignature", "keyEncipherment"],
  keySize: "size2048",
  scepServerUrls: ["https://ndes.contoso.com/certsrv/mscep/mscep.dll"],
  certificateValidityPeriodScale: "years",
  certificateValidityPeriodValue: 1,
};

/** Settings of a complete PKCS profile of the Android platforms. */
export const pkcsSettings = {
  subjectNameFormat: "commonNameAsEmail",
  certificationAuthority: "ca.contoso.com",
  certificationAuthorityName: "Contoso CA",
  certificateTemplateName: "User",
  certificateValidityPeriodScale: "months",
  certificateValidityPeriodValue: 12,
};
