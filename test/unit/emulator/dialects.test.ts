import * as assert from "assert";
import { type SchemaEnum, loadGraphSchema } from "../../../schema/index";
import { SchemaIndex, flagsInBitOrder, renderEntity, selectTip } from "../../../emulator";

const index = new SchemaIndex(loadGraphSchema());
const IOS = "iosEasEmailProfileConfiguration";

/** What the store keeps for a profile created with only the required settings. */
const stored = {
  "@odata.type": `#microsoft.graph.${IOS}`,
  id: "p1",
  displayName: "iOS mail",
  hostName: "outlook.office365.com",
  emailAddressSource: "primarySmtpAddress",
  roleScopeTagIds: ["0"],
  version: 1,
  supportsScopeTags: true,
};

const render = (dialect: "schema" | "live" | "sparse", entity: Record<string, unknown> = stored) =>
  renderEntity(dialect, index.schema, index.properties(IOS), entity);

describe("emulator dialects: how unset properties render", () => {
  it("schema: nullable → null, non-nullable boolean false, string \"\", enum first member, collections []", () => {
    const r = render("schema");
    assert.strictEqual(r.requireSmime, null, "nullable boolean");
    assert.strictEqual(r.requireSsl, false, "non-nullable boolean");
    assert.strictEqual(r.accountName, "", "non-nullable string");
    assert.strictEqual(r.description, null, "nullable string");
    assert.strictEqual(r.signingCertificateType, null, "nullable enum");
    assert.strictEqual(r.durationOfEmailToSync, "userDefined", "non-nullable enum: first member");
    assert.strictEqual(r.easServices, null, "nullable flags");
    assert.deepStrictEqual(renderEntity("schema", index.schema, index.properties(IOS), { "@odata.type": stored["@odata.type"] }).roleScopeTagIds, []);
  });

  it("live: every property present, booleans false even when nullable, strings null, enums and flags their first member", () => {
    const r = render("live");
    for (const p of index.properties(IOS)) assert.ok(p.name in r, `live answers ${p.name}`);
    assert.strictEqual(r.requireSmime, false);
    assert.strictEqual(r.useOAuth, false);
    assert.strictEqual(r.requireSsl, false);
    assert.strictEqual(r.accountName, null);
    assert.strictEqual(r.description, null);
    assert.strictEqual(r.signingCertificateType, "none");
    assert.strictEqual(r.encryptionCertificateType, "none");
    assert.strictEqual(r.durationOfEmailToSync, "userDefined");
    assert.strictEqual(r.easServices, "none");
    assert.deepStrictEqual(renderEntity("live", index.schema, index.properties(IOS), { "@odata.type": stored["@odata.type"] }).roleScopeTagIds, []);
  });

  it("sparse: unset properties are absent, set and server-owned ones present", () => {
    const r = render("sparse");
    for (const name of ["requireSmime", "requireSsl", "accountName", "description", "signingCertificateType", "easServices", "durationOfEmailToSync"]) {
      assert.ok(!(name in r), `${name} should be absent`);
    }
    assert.deepStrictEqual(Object.keys(r).sort(), Object.keys(stored).sort());
  });

  it("keeps set values in every dialect, null included", () => {
    for (const d of ["schema", "live", "sparse"] as const) {
      const r = render(d, { ...stored, requireSmime: true, description: null, easServices: "email" });
      assert.strictEqual(r.requireSmime, true, d);
      assert.strictEqual(r.description, null, d);
      assert.strictEqual(r.easServices, "email", d);
    }
  });

  it("live answers flags in bit-value order whatever order was stored", () => {
    assert.strictEqual(render("live", { ...stored, easServices: "email,calendars,contacts" }).easServices, "calendars,contacts,email");
    // Declaration order differs from bit order here, so only a sort by value passes.
    const shuffled: SchemaEnum = {
      name: "shuffled",
      qualifiedName: "microsoft.graph.shuffled",
      isFlags: true,
      members: [
        { name: "none", value: 0 },
        { name: "high", value: 4 },
        { name: "low", value: 1 },
        { name: "mid", value: 2 },
      ],
    };
    assert.strictEqual(flagsInBitOrder(shuffled, "high,low,mid"), "low,mid,high");
    assert.strictEqual(flagsInBitOrder(shuffled, "none"), "none");
    const keyUsages = index.enumType("keyUsages")!;
    assert.strictEqual(flagsInBitOrder(keyUsages, "digitalSignature,keyEncipherment"), "keyEncipherment,digitalSignature");
  });

  it("builds the $select tip from the first two property names", () => {
    assert.strictEqual(
      selectTip("deviceManagement/deviceConfigurations", true, index.properties(IOS).map((p) => p.name)),
      "Use $select to choose only the properties your app needs, as this could lead to performance improvements. For example: GET deviceManagement/deviceConfigurations('<key>')?$select=accountName,authenticationMethod",
    );
    assert.match(selectTip("deviceManagement/roleScopeTags", false, ["id", "displayName", "description"]), /GET deviceManagement\/roleScopeTags\?\$select=description,displayName$/);
  });
});
