// Refresh reads from a listing (provider/readAhead.ts) against the emulator, under every dialect: what
// `read` reports from a listed object (state and inputs, certificate links included) is exactly what it
// reports from a direct GET, and the listed reads make no per-object GET.
import * as assert from "assert";
import { DIALECTS } from "../../../emulator";
import { resolveSettings } from "../../../provider/config";
import { certificateProfileHandler, trustedRootCertificateHandler } from "../../../provider/resources/certificateProfile";
import { emailProfileHandler } from "../../../provider/resources/emailProfile";
import type { ResourceHandler } from "../../../provider/resources/types";
import { ProviderRun, type ProviderRunOptions } from "../../../provider/run";
import { inputs, platforms } from "../../support/emailCorpus";
import { EmulatorClient } from "../../support/emulatorClient";
import { startTestEmulator, type TestEmulator } from "../../support/testEmulator";
import { scepSettings, testCertificatePem } from "../../support/testCertificates";

type Props = Record<string, any>;

for (const dialect of DIALECTS) {
  describe(`integration: refresh reads from a listing (${dialect} dialect)`, function () {
    this.timeout(60_000);
    let emu: TestEmulator;
    let client: EmulatorClient;
    const newRun = (readAhead: ProviderRunOptions["readAhead"]) =>
      new ProviderRun(resolveSettings((k) => emu.config[k], {}), { graphOptions: { maxAttempts: 3, baseDelayInMs: 10 }, readAhead });
    /** What the stack holds: handler, id and state of each resource. */
    const made: { handler: ResourceHandler<any, any>; id: string; outs: Props }[] = [];

    before(async () => {
      emu = await startTestEmulator({ dialect } as any);
      client = new EmulatorClient(emu.info);
      const run = newRun(undefined);
      const create = async (handler: ResourceHandler<any, any>, news: Props) => {
        const checked = await handler.check(run, {}, news);
        assert.deepStrictEqual(checked.failures ?? [], []);
        const r = await handler.create(run, checked.inputs);
        made.push({ handler, id: r.id, outs: r.outs! });
        return r;
      };
      // Two profiles of every platform, minimal and with more settings.
      for (const platform of platforms) {
        await create(emailProfileHandler, inputs(platform, { displayName: `${platform} listed A` }));
        await create(emailProfileHandler, inputs(platform, { displayName: `${platform} listed B`, description: "with a description" }));
      }
      // A root, an SCEP profile linked to it, and an iOS e-mail profile with that identity certificate.
      const root = await create(trustedRootCertificateHandler, { displayName: "listed root", platform: "iosIpados", certificate: testCertificatePem({ commonName: "Listed Root" }) });
      await create(trustedRootCertificateHandler, { displayName: "listed root 2", platform: "iosIpados", certificate: testCertificatePem({ commonName: "Listed Root 2" }) });
      const scep = await create(certificateProfileHandler, { displayName: "listed SCEP", platform: "iosIpados", kind: "scep", trustedRootId: root.id, settings: scepSettings });
      await create(emailProfileHandler, {
        ...inputs("iosIpados", { displayName: "iOS listed with certificate" }),
        identityCertificateId: scep.id,
        settings: { ...inputs("iosIpados").settings, authenticationMethod: "certificate" },
      });
    });
    after(() => emu.close());

    it("reads every resource the same from a listing as from a direct GET, without a GET per object", async () => {
      const direct = newRun({ directReadsPerType: Number.POSITIVE_INFINITY });
      const expected = [];
      for (const m of made) expected.push(await m.handler.read(direct, m.id, m.outs));

      await client.clearRequests();
      const listing = newRun({ directReadsPerType: 0 });
      const actual = await Promise.all(made.map((m) => m.handler.read(listing, m.id, m.outs)));
      for (let i = 0; i < made.length; i++) assert.deepStrictEqual(actual[i], expected[i], `${made[i].outs.displayName}`);

      const gets = (await client.requests()).filter((r) => !/oauth2|openid/.test(r.path)).flatMap((r) => (r.path.endsWith("$batch") ? ((r.body as any)?.requests ?? []).map((q: any) => String(q.url)) : [r.path]));
      const perObject = gets.filter((p: string) => made.some((m) => p.endsWith(`/deviceConfigurations/${m.id}`)));
      assert.deepStrictEqual(perObject, [], "no object was read on its own");
      assert.ok(gets.some((p: string) => /deviceConfigurations\?.*isof/.test(decodeURIComponent(p))), `a listing by type: ${gets.join(", ")}`);
      // The certificate links are still read (they are not in a listing).
      assert.ok(gets.some((p: string) => p.endsWith("/identityCertificate")), "the e-mail profile's identity certificate link");
      assert.ok(gets.some((p: string) => p.endsWith("/rootCertificate")), "the SCEP profile's root link");
    });

    it("a portal change made before the listing shows as drift, like a direct read", async () => {
      const profile = made.find((m) => m.outs.displayName === "iosIpados listed A")!;
      await client.graph("PATCH", `/deviceManagement/deviceConfigurations/${profile.id}`, { "@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration", hostName: "changed.contoso.com" });
      const read = await profile.handler.read(newRun({ directReadsPerType: 0 }), profile.id, profile.outs);
      assert.strictEqual(read.inputs.settings.hostName, "changed.contoso.com");
    });
  });
}
