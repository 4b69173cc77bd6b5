import * as assert from "assert";
import { GraphErrorFactory } from "../../../emulator/errors";

describe("emulator GraphErrorFactory", () => {
  const now = new Date("2025-03-04T05:06:07.890Z");

  it("renders Graph's error body with innerError ids and date", () => {
    const e = GraphErrorFactory.unknownProperty("foo", "microsoft.graph.iosEasEmailProfileConfiguration");
    assert.strictEqual(e.statusCode, 400);
    assert.deepStrictEqual(e.toBody("req-1", "client-1", now), {
      error: {
        code: "BadRequest",
        message: e.message,
        innerError: { "request-id": "req-1", date: "2025-03-04T05:06:07", "client-request-id": "client-1" },
      },
    });
  });

  it("has the status, code and headers of each wire error", () => {
    const cases: [ReturnType<typeof GraphErrorFactory.resourceNotFound>, number, string][] = [
      [GraphErrorFactory.resourceNotFound("x"), 404, "ResourceNotFound"],
      [GraphErrorFactory.tokenMissing(), 401, "InvalidAuthenticationToken"],
      [GraphErrorFactory.tokenExpired(), 401, "InvalidAuthenticationToken"],
      [GraphErrorFactory.forbidden(["DeviceManagementConfiguration.ReadWrite.All"]), 403, "Forbidden"],
      [GraphErrorFactory.tooManyRequests(7), 429, "TooManyRequests"],
      [GraphErrorFactory.serviceUnavailable(), 503, "ServiceUnavailable"],
      [GraphErrorFactory.internalError(), 500, "InternalServerError"],
      [GraphErrorFactory.failedDependency("1"), 424, "FailedDependency"],
      [GraphErrorFactory.segmentNotFound("nope"), 400, "BadRequest"],
    ];
    for (const [e, status, code] of cases) {
      assert.strictEqual(e.statusCode, status, code);
      assert.strictEqual(e.code, code);
    }
    assert.strictEqual(GraphErrorFactory.tooManyRequests(7).headers["retry-after"], "7");
    assert.match(GraphErrorFactory.forbidden(["DeviceManagementConfiguration.ReadWrite.All"]).message, /Application must have one of the following scopes: DeviceManagementConfiguration\.ReadWrite\.All$/);
    assert.strictEqual(GraphErrorFactory.segmentNotFound("nope").message, "Resource not found for the segment 'nope'.");
  });

  it("renders Entra ID's AADSTS body for token errors", () => {
    const e = GraphErrorFactory.aadInvalidClientSecret("app-1");
    assert.strictEqual(e.statusCode, 401);
    const body = e.toBody("trace-1", "corr-1", now) as Record<string, unknown>;
    assert.strictEqual(body.error, "invalid_client");
    assert.match(String(body.error_description), /^AADSTS7000215: Invalid client secret provided\./);
    assert.deepStrictEqual(body.error_codes, [7000215]);
    assert.strictEqual(body.trace_id, "trace-1");
    assert.strictEqual(body.correlation_id, "corr-1");
    assert.strictEqual(body.timestamp, "2025-03-04 05:06:07Z");
    assert.strictEqual(GraphErrorFactory.aadApplicationNotFound("c", "t").aadCode, 700016);
    assert.strictEqual(GraphErrorFactory.aadTenantNotFound("t").statusCode, 400);
    assert.strictEqual(GraphErrorFactory.aadTenantNotFound("t").aadCode, 90002);
  });
});
