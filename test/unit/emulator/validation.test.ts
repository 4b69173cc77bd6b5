import * as assert from "assert";
import { loadGraphSchema } from "../../../schema/index";
import { isEmulatorHttpError } from "../../../emulator/errors";
import { SchemaIndex, validateComplex, validateEntityBody } from "../../../emulator/validation";

const index = new SchemaIndex(loadGraphSchema());
const READ_ONLY = new Set(["id", "createdDateTime", "lastModifiedDateTime", "version", "supportsScopeTags"]);
const ios = (extra: Record<string, unknown>) =>
  validateEntityBody(index, "iosEasEmailProfileConfiguration", { "@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration", displayName: "x", ...extra }, {
    readOnly: READ_ONLY,
    allowBinds: true,
  });

function rejects400(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isEmulatorHttpError(e), String(e));
    assert.strictEqual(e.statusCode, 400);
    assert.strictEqual(e.code, "BadRequest");
    assert.match(e.message, pattern);
    return true;
  });
}

describe("emulator validation", () => {
  it("accepts a valid iOS body and keeps the @odata.type", () => {
    const v = ios({ hostName: "outlook.office365.com", durationOfEmailToSync: "oneWeek", requireSsl: true, roleScopeTagIds: ["0"] });
    assert.strictEqual(v.odataType, "microsoft.graph.iosEasEmailProfileConfiguration");
    assert.deepStrictEqual(v.values, { displayName: "x", hostName: "outlook.office365.com", durationOfEmailToSync: "oneWeek", requireSsl: true, roleScopeTagIds: ["0"] });
  });

  it("rejects an unknown property, naming it and the type", () => {
    rejects400(() => ios({ foo: 1 }), /Property 'foo' does not exist on type 'microsoft\.graph\.iosEasEmailProfileConfiguration'/);
  });

  it("rejects wrong JSON types: string for boolean, boolean for string, out-of-range Int32, scalar for collection", () => {
    rejects400(() => ios({ requireSsl: "yes" }), /Invalid value 'yes' for property 'requireSsl'/);
    rejects400(() => ios({ hostName: true }), /property 'hostName'.*Edm\.String/);
    rejects400(
      () => validateEntityBody(index, "iosScepCertificateProfile", { renewalThresholdPercentage: 2 ** 31 }, {}),
      /renewalThresholdPercentage.*Int32/,
    );
    rejects400(() => validateEntityBody(index, "iosScepCertificateProfile", { renewalThresholdPercentage: 1.5 }, {}), /Int32/);
    rejects400(() => ios({ roleScopeTagIds: "0" }), /roleScopeTagIds.*array/);
  });

  it("rejects a bad enum value and a bad flags member, and canonicalises flags", () => {
    rejects400(() => ios({ durationOfEmailToSync: "bogus" }), /Invalid value 'bogus' for property 'durationOfEmailToSync'/);
    rejects400(() => ios({ easServices: "email,faxes" }), /Invalid value 'faxes' for property 'easServices'.*easServices/);
    assert.strictEqual(ios({ easServices: "email, calendars" }).values.easServices, "calendars,email");
    assert.strictEqual(ios({ easServices: "none" }).values.easServices, "none");
  });

  it("rejects null for a non-nullable member and accepts it for a nullable one", () => {
    rejects400(() => ios({ hostName: null }), /null value.*'hostName'/);
    rejects400(() => ios({ roleScopeTagIds: null }), /null value.*'roleScopeTagIds'/);
    assert.strictEqual(ios({ authenticationMethod: null }).values.authenticationMethod, null);
  });

  it("rejects server-owned members", () => {
    for (const name of ["id", "version", "createdDateTime", "lastModifiedDateTime", "supportsScopeTags"]) {
      rejects400(() => ios({ [name]: name === "version" ? 3 : name === "supportsScopeTags" ? true : "2024-01-01T00:00:00Z" }), new RegExp(`'${name}'.*read-only`));
    }
  });

  it("accepts @odata.bind only for single-valued non-contained navigations", () => {
    assert.deepStrictEqual(ios({ "identityCertificate@odata.bind": "https://h/beta/deviceManagement/deviceConfigurations('a')" }).binds, {
      identityCertificate: "https://h/beta/deviceManagement/deviceConfigurations('a')",
    });
    rejects400(() => ios({ "assignments@odata.bind": "x" }), /Navigation property 'assignments'/);
    rejects400(() => ios({ "hostName@odata.etag": "x" }), /annotation 'hostName@odata\.etag'/);
    rejects400(() => ios({ identityCertificate: { id: "x" } }), /Property 'identityCertificate' does not exist/);
  });

  it("validates complex assignment targets by their derived @odata.type, recursively", () => {
    const group = validateComplex(index, "deviceAndAppManagementAssignmentTarget", { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: "g" }, "target");
    assert.deepStrictEqual(group, {
      "@odata.type": "#microsoft.graph.groupAssignmentTarget",
      groupId: "g",
      deviceAndAppManagementAssignmentFilterId: null,
      deviceAndAppManagementAssignmentFilterType: "none",
    });
    const excl = validateComplex(index, "deviceAndAppManagementAssignmentTarget", { "@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget", groupId: "g" }, "target");
    assert.strictEqual(excl["@odata.type"], "#microsoft.graph.exclusionGroupAssignmentTarget");
    rejects400(() => validateComplex(index, "deviceAndAppManagementAssignmentTarget", { groupId: "g" }, "target"), /@odata\.type.*abstract/);
    rejects400(
      () => validateComplex(index, "deviceAndAppManagementAssignmentTarget", { "@odata.type": "#microsoft.graph.cloudPcTarget" }, "target"),
      /cloudPcTarget.*deviceAndAppManagementAssignmentTarget/,
    );
    rejects400(
      () => validateComplex(index, "deviceAndAppManagementAssignmentTarget", { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget", groupId: "g" }, "target"),
      /Property 'target\/groupId' does not exist on type 'microsoft\.graph\.allDevicesAssignmentTarget'/,
    );
    rejects400(
      () =>
        validateComplex(
          index,
          "deviceAndAppManagementAssignmentTarget",
          { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: "g", deviceAndAppManagementAssignmentFilterType: "sometimes" },
          "target",
        ),
      /Invalid value 'sometimes'/,
    );
  });

  it("validates nested complex members of a profile (applicability rules)", () => {
    const v = ios({ deviceManagementApplicabilityRuleOsVersion: { ruleType: "include", minOSVersion: "16.0" } });
    assert.deepStrictEqual(v.values.deviceManagementApplicabilityRuleOsVersion, { ruleType: "include", minOSVersion: "16.0", maxOSVersion: null, name: null });
    rejects400(() => ios({ deviceManagementApplicabilityRuleOsVersion: { ruleType: "maybe" } }), /ruleType/);
    rejects400(() => ios({ deviceManagementApplicabilityRuleOsVersion: "16.0" }), /JSON object/);
  });
});
