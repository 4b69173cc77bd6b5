// docs/reference.md is generated; it must match the schema and the SDK's TSDoc of today.
import * as assert from "assert";
import * as fs from "fs";
import { referencePath, renderReference, settingDocs } from "../../../scripts/reference";
import { emailPlatforms } from "../../../provider/email/platforms";
import { settingKeys } from "../../../provider/email/settings";

describe("docs/reference.md", function () {
  this.timeout(30_000);
  it("documents every setting of every platform in the SDK's TSDoc", () => {
    const docs = settingDocs();
    for (const platform of Object.values(emailPlatforms).filter((p) => !p.legacy)) {
      const missing = settingKeys(platform.platform).filter((k) => !docs[platform.platform]?.[k]);
      assert.deepStrictEqual(missing, [], `${platform.platform}: settings without TSDoc`);
    }
  });

  it("has SDK settings types with exactly the settings of each platform's Graph type, no more", () => {
    const docs = settingDocs();
    for (const platform of Object.values(emailPlatforms).filter((p) => !p.legacy)) {
      assert.deepStrictEqual(Object.keys(docs[platform.platform]).sort(), [...settingKeys(platform.platform)].sort(), platform.platform);
    }
  });

  it("is current (regenerate with: npx ts-node --transpile-only scripts/reference.ts)", () => {
    assert.strictEqual(fs.readFileSync(referencePath, "utf8"), renderReference());
  });
});
