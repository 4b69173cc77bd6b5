import * as assert from "assert";
import { linksMayBeInUse, linksToRead } from "../../../provider/email/links";

describe("which certificate links a refresh reads", () => {
  it("reads only known links while the settings use none (unset, false, none, usernameAndPassword)", () => {
    const off = { authenticationMethod: "usernameAndPassword", requireSmime: false, signingCertificateType: "none", smimeSigningEnabled: null };
    assert.strictEqual(linksMayBeInUse(off), false);
    assert.deepStrictEqual(linksToRead("iosIpados", new Set(), off), []);
    assert.deepStrictEqual(linksToRead("iosIpados", new Set(["smimeSigningCertificateId"]), off), ["smimeSigningCertificateId"]);
    assert.deepStrictEqual(linksToRead("windows10", new Set(), off), []);
  });

  it("reads every link of the type once a setting can use one", () => {
    for (const on of [{ authenticationMethod: "certificate" }, { authenticationMethod: "derivedCredential" }, { requireSmime: true }, { smimeSigningEnabled: true }, { encryptionCertificateType: "certificate" }]) {
      assert.strictEqual(linksMayBeInUse(on), true, JSON.stringify(on));
      assert.deepStrictEqual(linksToRead("iosIpados", new Set(), on).sort(), ["derivedCredentialSettingsId", "identityCertificateId", "smimeEncryptionCertificateId", "smimeSigningCertificateId"]);
    }
    assert.deepStrictEqual(linksToRead("androidDeviceAdministrator", new Set(), { requireSmime: true }).sort(), ["identityCertificateId", "smimeSigningCertificateId"]);
  });
});
