import * as assert from "assert";
import { customGraphHosts, IntuneClouds, resolveSettings } from "../../../provider/config";
import { isIntuneConfigurationError } from "../../../provider/errors";

const none = () => undefined;
const from = (m: Record<string, string>) => (k: string) => m[k];

describe("resolveSettings", () => {
  it("defaults to the public cloud endpoints", () => {
    const s = resolveSettings(none, {});
    assert.strictEqual(s.cloud, "public");
    assert.strictEqual(s.graphEndpoint, IntuneClouds.public.graphEndpoint);
    assert.strictEqual(s.authorityHost, IntuneClouds.public.authorityHost);
  });

  it("takes each national cloud's endpoints", () => {
    for (const cloud of Object.keys(IntuneClouds) as (keyof typeof IntuneClouds)[]) {
      const s = resolveSettings(from({ "intune:cloud": cloud }), {});
      assert.strictEqual(s.graphEndpoint, IntuneClouds[cloud].graphEndpoint);
    }
  });

  it("prefers stack config over environment variables", () => {
    const s = resolveSettings(from({ "intune:tenantId": "from-config" }), { AZURE_TENANT_ID: "from-env" });
    assert.strictEqual(s.tenantId, "from-config");
  });

  it("falls back to AZURE_* and INTUNE_GRAPH_ENDPOINT", () => {
    const s = resolveSettings(none, {
      AZURE_TENANT_ID: "t",
      AZURE_CLIENT_ID: "c",
      AZURE_CLIENT_SECRET: "s",
      AZURE_AUTHORITY_HOST: "https://127.0.0.1:4443/",
      INTUNE_GRAPH_ENDPOINT: "https://127.0.0.1:4443",
    });
    assert.deepStrictEqual(
      [s.tenantId, s.clientId, s.clientSecret, s.authorityHost, s.graphEndpoint],
      ["t", "c", "s", "https://127.0.0.1:4443", "https://127.0.0.1:4443"],
    );
  });

  it("throws when the cloud is unknown, naming the key and the value", () => {
    assert.throws(
      () => resolveSettings(from({ "intune:cloud": "mars" }), {}),
      (e: Error) => isIntuneConfigurationError(e) && /`intune:cloud` must be one of .*got "mars"/.test(e.message),
    );
  });

  it("throws when the Graph endpoint is not https", () => {
    assert.throws(
      () => resolveSettings(from({ "intune:graphEndpoint": "http://127.0.0.1:80" }), {}),
      /`intune:graphEndpoint` must use https, got "http:\/\/127.0.0.1:80"/,
    );
  });

  it("throws when a client secret comes without tenant and client ids", () => {
    assert.throws(() => resolveSettings(from({ "intune:clientSecret": "x" }), {}), /needs `intune:tenantId` and `intune:clientId`/);
  });

  it("lists a non-Microsoft Graph host as a custom host, and no Microsoft one", () => {
    assert.deepStrictEqual([...customGraphHosts(resolveSettings(from({ "intune:graphEndpoint": "https://127.0.0.1:9443" }), {}))], ["127.0.0.1"]);
    assert.deepStrictEqual([...customGraphHosts(resolveSettings(none, {}))], []);
  });
});
