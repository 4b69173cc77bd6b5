import * as assert from "assert";
import { GraphPermissions, GraphRequestError, isGraphRequestError, isNotFound } from "../../../provider/errors";
import { toGraphRequestError } from "../../../provider/graph";

describe("GraphRequestError", () => {
  it("keeps status, code and request-id and names the call", () => {
    const e = new GraphRequestError({ statusCode: 400, code: "BadRequest", requestId: "r-1", method: "POST", path: "/x", serviceMessage: "nope" });
    assert.strictEqual(e.name, "GraphRequestError");
    assert.match(e.message, /^POST \/x failed with 400 BadRequest: nope: request-id r-1$/);
    assert.strictEqual(e.missingPermission, undefined);
  });

  it("names the missing permission on 403, by path", () => {
    const cases: [string, string][] = [
      ["/deviceManagement/deviceConfigurations", GraphPermissions.deviceConfiguration],
      ["/deviceManagement/roleScopeTags/1", GraphPermissions.rbac],
      ["/groups/abc", GraphPermissions.groups],
    ];
    for (const [path, permission] of cases) {
      const e = new GraphRequestError({ statusCode: 403, method: "GET", path });
      assert.strictEqual(e.missingPermission, permission);
      assert.ok(e.message.includes(permission), e.message);
    }
  });

  it("is recognised by name, even from a plain object (another package copy)", () => {
    assert.ok(isGraphRequestError({ name: "GraphRequestError" }));
    assert.ok(!isGraphRequestError(new Error("x")));
    assert.ok(isNotFound(new GraphRequestError({ statusCode: 404, method: "GET", path: "/a" })));
  });

  it("converts a Graph client error and a dropped connection", () => {
    const graphError = Object.assign(new Error("Invalid value"), { statusCode: 400, code: "BadRequest", requestId: "abc" });
    const converted = toGraphRequestError(graphError, "PATCH", "/p");
    assert.deepStrictEqual([converted.statusCode, converted.code, converted.requestId], [400, "BadRequest", "abc"]);

    const reset = Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET", message: "socket hang up" } });
    const lost = toGraphRequestError(reset, "POST", "/p");
    assert.strictEqual(lost.statusCode, 0);
    assert.strictEqual(lost.code, "ECONNRESET");
  });
});
