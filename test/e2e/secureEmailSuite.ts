// examples/secure-email through the real Pulumi CLI under every emulator dialect: preview → up → empty
// preview → a refresh without change → `pulumi-intune status` exit 0. Before the first up, four kinds of
// bad input (a non-CA root, an expired root, an unknown subject variable, an e-mail profile linked to a
// certificate of another platform) each fail at preview with zero Graph writes and a message naming the
// property, the rule and the bad value. One file per dialect (secureEmail.<dialect>.e2e.test.ts).
import * as assert from "assert";
import type { EmulatorClient } from "../support/emulatorClient";
import { daysFromNow, testCertificatePem } from "../support/testCertificates";
import { changingSteps, type PulumiProject, runCli, useEmulatorStack } from "./harness";

const writesIn = (log: { method: string; path: string; body: any }[]) =>
  log.filter((r) => !r.path.includes("/oauth2/") && r.method !== "GET" && !(r.path.endsWith("$batch") && (r.body?.requests ?? []).every((q: any) => q.method === "GET")));

/** The suite for one dialect; one test file per dialect so that they run side by side. */
export function secureEmailSuite(dialect: "schema" | "live" | "sparse"): void {
  describe(`e2e: examples/secure-email under the "${dialect}" dialect`, function () {
    this.timeout(900_000);
    let emulator: EmulatorClient;
    let project: PulumiProject;

    useEmulatorStack("secure-email", async (s) => {
      ({ emulator, project } = s);
      const r = await emulator.config({ dialect });
      assert.strictEqual(r.status, 200, JSON.stringify(r.body));
      // The sparse dialect's file runs the example as TypeScript, as users run it.
    }, { program: dialect === "sparse" ? "typescript" : "javascript" });

    if (dialect === "schema") {
      const badInputs: [string, Record<string, unknown>, RegExp][] = [
        ["a non-CA root", { rootCertificate: testCertificatePem({ commonName: "mail.contoso.com", ca: false }) }, /`certificate` must be a CA certificate \(basicConstraints CA:TRUE\), got "CN=mail\.contoso\.com/],
        ["an expired root", { rootCertificate: testCertificatePem({ notBefore: daysFromNow(-800), notAfter: daysFromNow(-3) }) }, /`certificate` must not be expired, got ".*" that expired on/],
        ["an unknown subject variable", { subjectNameFormatString: "CN={{UserPrincipleName}}" }, /`settings\.subjectNameFormatString` uses the unknown variable \{\{UserPrincipleName\}\}/],
        ["a certificate of another platform", { crossPlatformCertificate: "true" }, /`identityCertificateId` of a "androidEnterpriseWorkProfileGmail" e-mail profile must be a certificate profile of platform "androidEnterpriseWorkProfile", got a certificate profile of platform "iosIpados"/],
      ];
      for (const [label, config, message] of badInputs) {
        it(`${label} fails at preview with zero Graph writes, naming property, rule and value`, async () => {
          await project.setConfig(config);
          await emulator.clearRequests();
          const r = await project.pulumi(["preview"]);
          assert.notStrictEqual(r.code, 0, r.stdout);
          assert.match(r.stdout + r.stderr, message);
          assert.deepStrictEqual(writesIn(await emulator.requests()), []);
        });
      }
      it("a root assigned to another group than its e-mail profile warns at preview naming the group, the profile and the root", async () => {
        await project.setConfig({ workRootGroupId: "8a2d4e6f-3c5b-4d7a-8e9f-1a2b3c4d5e62" });
        const preview = await project.previewJson();
        const warnings = (preview.diagnostics ?? []).filter((d) => d.severity === "warning").map((d) => d.message);
        const gaps = warnings.filter((m) => /needs its (trusted root )?certificate profile/.test(m));
        assert.strictEqual(gaps.length, 1, gaps.join("\n"));
        assert.match(gaps[0], /profile "Work profile: Gmail with certificate" needs its trusted root certificate profile "Work profile: Contoso root CA" assigned to the same groups, but it is not assigned to "Sales Users"/);
        await project.setConfig({});
      });
    }

    it("preview → up → empty preview → refresh without change → status exit 0", async () => {
      const preview = await project.previewJson();
      // One set of targets for root, certificate and e-mail profile: no chain warning anywhere.
      assert.deepStrictEqual((preview.diagnostics ?? []).filter((d) => /needs its (trusted root )?certificate profile/.test(d.message)), []);
      assert.strictEqual(changingSteps(preview, "TrustedRootCertificate").length, 3);
      assert.strictEqual(changingSteps(preview, "CertificateProfile").length, 3);
      assert.strictEqual(changingSteps(preview, "EmailProfile").length, 3);
      assert.strictEqual(changingSteps(preview, "ProfileAssignment").length, 9);

      await emulator.clearRequests();
      await project.up();
      assert.deepStrictEqual((await emulator.requests()).filter((r) => r.status >= 400 && r.status !== 404), [], "no request the emulator rejects");
      const outputs = await project.outputs();
      assert.match(outputs.rootThumbprint, /^[0-9A-F]{40}$/);
      assert.strictEqual(outputs.rootExpiresAt, "2036-01-01T00:00:00.000Z");

      await emulator.clearRequests();
      await project.ok(["preview", "--expect-no-changes"]);
      assert.deepStrictEqual(writesIn(await emulator.requests()), []);
      // No change in a refresh means an empty preview after it (Pulumi's RefreshStep diffs as a preview would),
      // and the stack record, which carries the up's impact facts, must not count as one.
      await project.ok(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]);

      const status = await runCli(["status", "--stack", project.stack, "--cwd", project.dir], { env: project.env });
      assert.strictEqual(status.code, 0, status.stdout + status.stderr);
    });
  });
}
