// Exactly once for the certificate resources, when the tenant commits a write and the gateway then
// answers 500, 502 or 504: a TrustedRootCertificate, a SCEP and a PKCS CertificateProfile (their root
// bound in the create), and an assignment of a certificate profile each exist once, found by the lookup
// instead of a second POST; a DELETE whose answer was lost and whose retry gets 404 counts as done.
import * as assert from "assert";
import { SEEDED_GROUPS } from "../../../emulator";
import { resolveSettings } from "../../../provider/config";
import { handler } from "../../../provider/dispatch";
import { checkProfileAssignmentInputs } from "../../../provider/resources/profileAssignment";
import { ProviderRun } from "../../../provider/run";
import { EmulatorClient } from "../../support/emulatorClient";
import { COMMIT_THEN_5XX, faultProbe } from "../../support/commitFaults";
import { pkcsSettings, scepSettings, testCertificatePem } from "../../support/testCertificates";
import { startTestEmulator, type TestEmulator } from "../../support/testEmulator";

type Props = Record<string, any>;
const profiles = "/deviceManagement/deviceConfigurations";
const rootPem = testCertificatePem({ commonName: "Contoso Exactly Once Root" });
const platform = "androidEnterpriseWorkProfile";

describe("integration: certificate creates exactly once when the tenant commits, then answers 500, 502 or 504", function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  let client: EmulatorClient;
  let run: ProviderRun;
  let answered: ReturnType<typeof faultProbe>["answered"];
  let inject: ReturnType<typeof faultProbe>["inject"];
  const kinds = { root: "TrustedRootCertificate", profile: "CertificateProfile" } as const;
  const checked = async (kind: string, news: Props) => {
    const r = await handler(kind, run).check({}, news);
    assert.deepStrictEqual(r.failures ?? [], []);
    return r.inputs as Props;
  };
  const makeRoot = async (displayName: string) => handler(kinds.root, run).create(await checked(kinds.root, { displayName, platform, certificate: rootPem }));
  const profileInputs = (displayName: string, kind: "scep" | "pkcs", trustedRootId: string) =>
    checked(kinds.profile, { displayName, platform, kind, trustedRootId, settings: kind === "scep" ? scepSettings : pkcsSettings });
  const list = async (path: string) => (await client.graph("GET", `${path}?$top=999`)).body.value as Props[];
  const named = async (name: string) => (await list(profiles)).filter((p) => p.displayName === name);
  const rootLink = async (id: string, odataType: string) => (await client.graph("GET", `${profiles}/${id}/${odataType.slice(1)}/rootCertificate`)).body.id as string | undefined;
  before(async () => {
    emu = await startTestEmulator();
    client = new EmulatorClient(emu.info);
    ({ answered, inject } = faultProbe(client));
  });
  // Short backoffs: the retries are what is tested, not their pacing.
  beforeEach(() => (run = new ProviderRun(resolveSettings((k) => emu.config[k], {}), { graphOptions: { baseDelayInMs: 10 } })));
  afterEach(() => client.clearFaults());
  after(() => emu.close());

  for (const [fault, status] of COMMIT_THEN_5XX) {
    describe(`${fault} (${status} after the commit)`, () => {
      it("on the POST of a trusted root: the lookup finds it, one root, no second POST", async () => {
        const name = `Root ${fault}`;
        const inputs = await checked(kinds.root, { displayName: name, platform, certificate: rootPem });
        const applied = await inject("POST", "deviceConfigurations$", fault);
        const { id, outs } = await handler(kinds.root, run).create(inputs);
        await applied();
        assert.deepStrictEqual((await named(name)).map((p) => p.id), [id]);
        assert.deepStrictEqual(await answered("POST", /deviceConfigurations$/), [status]);
        assert.match(String(outs!.subject), /Exactly Once Root/);
      });

      for (const kind of ["scep", "pkcs"] as const) {
        it(`on the POST of a ${kind.toUpperCase()} profile that binds its root: one profile, linked, no second POST and no $ref`, async () => {
          const root = await makeRoot(`Root of ${kind} ${fault}`);
          const name = `${kind.toUpperCase()} ${fault}`;
          const inputs = await profileInputs(name, kind, root.id);
          const applied = await inject("POST", "deviceConfigurations$", fault);
          const { id, outs } = await handler(kinds.profile, run).create(inputs);
          await applied();
          assert.deepStrictEqual((await named(name)).map((p) => p.id), [id]);
          assert.deepStrictEqual(await answered("POST", /deviceConfigurations$/), [status]);
          assert.strictEqual(await rootLink(id, String(outs!.odataType)), root.id);
          assert.strictEqual(outs!.trustedRootId, root.id);
          assert.deepStrictEqual(await answered("PUT", /\$ref$/), [], "the bind was committed with the create");
        });
      }

      it("on the POST of an assignment of a certificate profile: found in its list, one assignment", async () => {
        const root = await makeRoot(`Assigned root ${fault}`);
        const scep = await handler(kinds.profile, run).create(await profileInputs(`Assigned SCEP ${fault}`, "scep", root.id));
        const { inputs, failures } = checkProfileAssignmentInputs({ profileId: scep.id, targets: [{ kind: "group", groupId: SEEDED_GROUPS.salesUsers.id }] });
        assert.deepStrictEqual(failures, []);
        const applied = await inject("POST", "/assignments$", fault);
        const { outs } = await handler("ProfileAssignment", run).create(inputs);
        await applied();
        const live = await list(`${profiles}/${scep.id}/assignments`);
        assert.deepStrictEqual(live.map((a) => a.target.groupId), [SEEDED_GROUPS.salesUsers.id]);
        assert.deepStrictEqual(Object.values(outs!.assignmentIds), [live[0].id]);
        assert.deepStrictEqual(await answered("POST", /\/assignments$/), [status]);
      });

      it("on the DELETE of a certificate profile and of its root: done, the retry's 404 is not an error, nothing left", async () => {
        const root = await makeRoot(`Deleted root ${fault}`);
        const scep = await handler(kinds.profile, run).create(await profileInputs(`Deleted SCEP ${fault}`, "scep", root.id));
        for (const [kind, made] of [[kinds.profile, scep], [kinds.root, root]] as const) {
          const applied = await inject("DELETE", `deviceConfigurations/${made.id}$`, fault);
          await handler(kind, run).delete(made.id, made.outs!);
          await applied();
          assert.deepStrictEqual(await answered("DELETE", new RegExp(`${made.id}$`)), [status, 404]);
          assert.strictEqual((await client.graph("GET", `${profiles}/${made.id}`)).status, 404);
        }
      });
    });
  }
});
