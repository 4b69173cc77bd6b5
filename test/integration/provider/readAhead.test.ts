// Refresh reads from a listing (provider/readAhead.ts) against the emulator, under every dialect: what
// `read` reports from a listed object (state and inputs, certificate links included) is exactly what it
// reports from a direct GET, and the listed reads make no per-object GET. Assignment sets too, under each
// way the service may answer `$expand=assignments` on the listing (answered, refused, empty).
import * as assert from "assert";
import { ASSIGNMENTS_EXPAND, DIALECTS, SEEDED_GROUPS, seedPortalAssignment } from "../../../emulator";
import { resolveSettings } from "../../../provider/config";
import { certificateProfileHandler, trustedRootCertificateHandler } from "../../../provider/resources/certificateProfile";
import { emailProfileHandler } from "../../../provider/resources/emailProfile";
import { profileAssignmentHandler } from "../../../provider/resources/profileAssignment";
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
      // Assignments: two targets on one profile, one on another, and one made in the portal (not owned).
      const [first, second] = made.filter((m) => m.handler === emailProfileHandler);
      await create(profileAssignmentHandler, { profileId: first.id, targets: [{ kind: "group", groupId: SEEDED_GROUPS.salesUsers.id }, { kind: "allDevices" }] });
      await create(profileAssignmentHandler, { profileId: second.id, targets: [{ kind: "allLicensedUsers" }] });
      seedPortalAssignment(emu.server.store, second.id, { groupId: SEEDED_GROUPS.fieldEngineers.id });
    });
    const profilesFirst = async (run: ProviderRun) => {
      // Profiles before assignments, as a refresh of a stack mostly goes (an assignment depends on its profile).
      const profiles = made.filter((m) => m.handler !== profileAssignmentHandler);
      const assignments = made.filter((m) => m.handler === profileAssignmentHandler);
      const read = await Promise.all(profiles.map((m) => m.handler.read(run, m.id, m.outs)));
      return [...read, ...(await Promise.all(assignments.map((m) => m.handler.read(run, m.id, m.outs))))];
    };
    /** Graph requests as sent, a `$batch`'s sub-requests one by one (the log has each on its own). */
    const subRequestUrls = async () =>
      (await client.requests())
        .filter((r) => !/oauth2|openid/.test(r.path) && !/\/\$batch(\?|$)/.test(r.path))
        .map((r) => decodeURIComponent(r.path));
    after(() => emu.close());

    it("reads every resource the same from a listing as from a direct GET, without a GET per object", async () => {
      const direct = newRun({ directReads: Number.POSITIVE_INFINITY });
      const expected = [];
      for (const m of made) expected.push(await m.handler.read(direct, m.id, m.outs));

      await client.clearRequests();
      const listing = newRun({ directReads: 0 });
      const actual = await Promise.all(made.map((m) => m.handler.read(listing, m.id, m.outs)));
      for (let i = 0; i < made.length; i++) assert.deepStrictEqual(actual[i], expected[i], `${made[i].outs.displayName}`);

      const gets = await subRequestUrls();
      const perObject = gets.filter((p: string) => made.some((m) => p.endsWith(`/deviceConfigurations/${m.id}`)));
      assert.deepStrictEqual(perObject, [], "no object was read on its own");
      assert.ok(gets.some((p: string) => /deviceConfigurations\?.*isof/.test(p)), `a listing by type: ${gets.join(", ")}`);
      // The certificate links are still read (they are not in a listing).
      assert.ok(gets.some((p: string) => p.endsWith("/identityCertificate")), "the e-mail profile's identity certificate link");
      assert.ok(gets.some((p: string) => p.endsWith("/rootCertificate")), "the SCEP profile's root link");
    });

    for (const behaviour of ASSIGNMENTS_EXPAND) {
      it(`reads assignment sets the same from the listing as directly (\`$expand=assignments\` ${behaviour})`, async () => {
        await client.config({ assignmentsExpand: behaviour });
        try {
          const expected = await profilesFirst(newRun({ directReads: Number.POSITIVE_INFINITY }));
          await client.clearRequests();
          const actual = await profilesFirst(newRun({ directReads: 0 }));
          const all = made.filter((m) => m.handler !== profileAssignmentHandler).concat(made.filter((m) => m.handler === profileAssignmentHandler));
          for (let i = 0; i < all.length; i++) assert.deepStrictEqual(actual[i], expected[i], `${all[i].outs.displayName ?? all[i].id}`);
          assert.ok(expected.slice(-2).every((r) => r.inputs.targets.length > 0), "the owned targets are read, the portal's is not");

          const urls = await subRequestUrls();
          assert.deepStrictEqual(urls.filter((p) => made.some((m) => p.endsWith(`/deviceConfigurations/${m.id}`))), [], "no profile was read on its own");
          const setReads = urls.filter((p) => /\/assignments$/.test(p));
          assert.ok(urls.some((p) => /deviceConfigurations\?.*isof/.test(p)), `the types were listed: ${urls.join(", ")}`);
          if (behaviour === "answered") assert.deepStrictEqual(setReads, [], "the listing's expansion answers every assignment set");
          // Refused: listed without the expansion; empty: the expansion lacks what the resources own. Either way the sets are read.
          else assert.strictEqual(setReads.length, 2, `each owned set read directly: ${setReads.join(", ")}`);
        } finally {
          await client.config({ assignmentsExpand: "answered" });
        }
      });
    }

    it("an owned assignment deleted in the portal before the listing reads as gone, like a direct read", async () => {
      const assignment = made.find((m) => m.handler === profileAssignmentHandler && m.outs.targets.length === 2)!;
      const groupAssignment = Object.entries(assignment.outs.assignmentIds as Record<string, string>).find(([k]) => k.startsWith("group"))![1];
      await client.graph("DELETE", `/deviceManagement/deviceConfigurations/${assignment.outs.profileId}/assignments/${groupAssignment}`);
      const direct = await assignment.handler.read(newRun({ directReads: Number.POSITIVE_INFINITY }), assignment.id, assignment.outs);
      const [, ...rest] = await profilesFirst(newRun({ directReads: 0 }));
      assert.deepStrictEqual(direct.inputs.targets.map((t: Props) => t.kind), ["allDevices"]);
      assert.deepStrictEqual(rest.find((r) => r.id === assignment.id), direct);
    });

    it("a portal change made before the listing shows as drift, like a direct read", async () => {
      const profile = made.find((m) => m.outs.displayName === "iosIpados listed A")!;
      await client.graph("PATCH", `/deviceManagement/deviceConfigurations/${profile.id}`, { "@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration", hostName: "changed.contoso.com" });
      const read = await profile.handler.read(newRun({ directReads: 0 }), profile.id, profile.outs);
      assert.strictEqual(read.inputs.settings.hostName, "changed.contoso.com");
    });
  });
}
