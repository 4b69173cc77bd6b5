// TLS material for the emulator: a private CA (trusted by clients via NODE_EXTRA_CA_CERTS) and a server
// certificate for 127.0.0.1/localhost signed by it. Keys come from Node's native RSA generator (fast);
// node-forge only assembles and signs the X.509 certificates, which Node cannot do by itself.
import * as crypto from "crypto";
import * as tls from "tls";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as forge from "node-forge";

/** The PEM files of a CA directory, as written by {@link ensureCertificates}. */
export interface CertificateSet {
  /** Directory holding the files. */
  readonly dir: string;
  /** `<dir>/ca.pem`: what clients trust. */
  readonly caCertPath: string;
  readonly caCertPem: string;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
}

const CA_CERT = "ca.pem";
const CA_KEY = "ca-key.pem";
const SERVER_CERT = "server.pem";
const SERVER_KEY = "server-key.pem";
const DAY_IN_MS = 24 * 60 * 60 * 1000;

function newKeyPair(): { privateKeyPem: string; publicKey: forge.pki.PublicKey; privateKey: forge.pki.rsa.PrivateKey } {
  const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(privateKeyPem) as unknown as forge.pki.rsa.PrivateKey;
  return { privateKeyPem, privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function serialNumber(): string {
  // Positive (leading nibble < 8) so strict DER parsers accept it.
  return "0" + crypto.randomBytes(15).toString("hex");
}

function createCa(): { certPem: string; keyPem: string } {
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - DAY_IN_MS);
  cert.validity.notAfter = new Date(Date.now() + 3650 * DAY_IN_MS);
  const subject = [
    { name: "commonName", value: "pulumi-intune emulator CA" },
    { name: "organizationName", value: "pulumi-intune emulator" },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem };
}

/**
 * Whether OpenSSL accepts a certificate and key as node-forge encoded them: now and then forge writes an
 * ASN.1 integer OpenSSL calls "illegal padding", so a pair is checked before it is used or saved.
 */
function acceptedByOpenSsl(certPem: string, keyPem: string): boolean {
  try {
    new crypto.X509Certificate(certPem);
    tls.createSecureContext({ cert: certPem, key: keyPem });
    return true;
  } catch {
    return false;
  }
}

/** Makes a pair with `make` until OpenSSL accepts it (a few tries at most). */
function generateAccepted(make: () => { certPem: string; keyPem: string }): { certPem: string; keyPem: string } {
  for (let attempt = 1; ; attempt++) {
    const pair = make();
    if (acceptedByOpenSsl(pair.certPem, pair.keyPem) || attempt >= 10) return pair;
  }
}

function createServerCert(caCertPem: string, caKeyPem: string): { certPem: string; keyPem: string } {
  const ca = forge.pki.certificateFromPem(caCertPem);
  const caKey = forge.pki.privateKeyFromPem(caKeyPem) as unknown as forge.pki.rsa.PrivateKey;
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - DAY_IN_MS);
  // Under 398 days: the limit TLS clients enforce for leaf certificates.
  cert.validity.notAfter = new Date(Date.now() + 390 * DAY_IN_MS);
  cert.setSubject([{ name: "commonName", value: "127.0.0.1" }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        { type: 7, ip: "127.0.0.1" },
        { type: 2, value: "localhost" },
      ],
    },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem };
}

/** Whether the server certificate in `certPem` is still valid for a while and was issued by `caPem`. */
function serverCertUsable(certPem: string, caPem: string): boolean {
  try {
    const cert = new crypto.X509Certificate(certPem);
    const ca = new crypto.X509Certificate(caPem);
    return cert.verify(ca.publicKey) && new Date(cert.validTo).getTime() - Date.now() > 7 * DAY_IN_MS && cert.checkIP("127.0.0.1") !== undefined;
  } catch {
    return false;
  }
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function writePrivate(file: string, content: string): void {
  fs.writeFileSync(file, content, { mode: 0o600 });
}

/**
 * Loads the CA and server certificate from `dir`, creating whatever is missing (the directory too).
 * Reusing a directory keeps the CA stable across restarts, so clients keep trusting the emulator.
 */
export function ensureCertificates(dir: string): CertificateSet {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  let caCertPem = read(path.join(dir, CA_CERT));
  let caKeyPem = read(path.join(dir, CA_KEY));
  if (!caCertPem || !caKeyPem || !acceptedByOpenSsl(caCertPem, caKeyPem)) {
    const ca = generateAccepted(createCa);
    caCertPem = ca.certPem;
    caKeyPem = ca.keyPem;
    writePrivate(path.join(dir, CA_KEY), caKeyPem);
    fs.writeFileSync(path.join(dir, CA_CERT), caCertPem);
  }
  let serverCertPem = read(path.join(dir, SERVER_CERT));
  let serverKeyPem = read(path.join(dir, SERVER_KEY));
  if (!serverCertPem || !serverKeyPem || !serverCertUsable(serverCertPem, caCertPem) || !acceptedByOpenSsl(serverCertPem, serverKeyPem)) {
    const server = generateAccepted(() => createServerCert(caCertPem!, caKeyPem!));
    serverCertPem = server.certPem;
    serverKeyPem = server.keyPem;
    writePrivate(path.join(dir, SERVER_KEY), serverKeyPem);
    fs.writeFileSync(path.join(dir, SERVER_CERT), serverCertPem);
  }
  return { dir, caCertPath: path.join(dir, CA_CERT), caCertPem, serverCertPem, serverKeyPem };
}

let processDefault: CertificateSet | undefined;

/** A CA directory under the OS temp dir, made once per process (tests start many servers). */
export function defaultCertificates(): CertificateSet {
  if (!processDefault || !fs.existsSync(processDefault.caCertPath)) {
    processDefault = ensureCertificates(fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-intune-emulator-ca-")));
  }
  return processDefault;
}
