// `pulumi-intune status` through the package bin and the real Pulumi CLI on examples/rollout-status:
// 0 on a healthy stack, 2 when two iOS profiles share host and address for one group (naming both),
// 1 on bad flags, an unknown stack and an unreachable tenant.
import * as assert from "assert";
import { type EmulatorStack, type PulumiProject, runCli, useEmulatorStack } from "./harness";

describe("e2e: rollout status with the real Pulumi CLI", function () {
  this.timeout(900_000);
  let server: EmulatorStack["server"];
  let project: PulumiProject;

  const status = (args: string[]) => runCli(["status", ...args], { env: project.env });

  useEmulatorStack("rollout-status", (s) => void ({ server, project } = s));

  it("exits 0 on a healthy stack, with device and user counts per profile", async () => {
    await project.up();
    const md = await status(["--stack", "e2e", "--cwd", project.dir]);
    assert.strictEqual(md.code, 0, md.stderr + md.stdout);
    assert.match(md.stdout, /## Rollout status of stack `e2e`/);
    assert.match(md.stdout, /\*\*2 e-mail profiles, all healthy\*\*/);
    assert.match(md.stdout, /\| `ios-mail` "iOS: Exchange Online" \| iOS\/iPadOS \| 17 \/ 0 \/ 0 \/ 0 \/ 0 \| 17 \/ 0 \/ 0 \/ 0 \/ 0 \|/);
    assert.match(md.stdout, /\| `ios-mail-2` "iOS: second mailbox" \| iOS\/iPadOS \| 17 \/ 0 \/ 0 \/ 0 \/ 0 \|/);

    const json = await status(["--stack", "e2e", "--cwd", project.dir, "--format", "json"]);
    assert.strictEqual(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.strictEqual(report.healthy, true);
    assert.deepStrictEqual(
      report.profiles.map((p: any) => [p.name, p.devices.succeeded, p.issues.length]),
      [["ios-mail", 17, 0], ["ios-mail-2", 17, 0]],
    );
  });

  it("exits 2 when two iOS profiles share host and address for one group, naming both profiles", async () => {
    await project.ok(["config", "set", "secondHostName", "OUTLOOK.office365.com"]);
    await project.up();
    const json = await status(["--stack", "e2e", "--cwd", project.dir, "--format", "json"]);
    assert.strictEqual(json.code, 2, json.stderr + json.stdout);
    const report = JSON.parse(json.stdout);
    assert.strictEqual(report.healthy, false);
    const [first, second] = report.profiles;
    assert.deepStrictEqual([first.name, first.devices], ["ios-mail", { succeeded: 17, pending: 0, error: 0, conflict: 0, notApplicable: 0 }]);
    assert.deepStrictEqual([second.name, second.devices], ["ios-mail-2", { succeeded: 0, pending: 0, error: 17, conflict: 0, notApplicable: 0 }]);
    assert.strictEqual(second.users.error, 17);
    assert.strictEqual(second.issues.length, 17);
    for (const issue of second.issues) {
      assert.strictEqual(issue.status, "error");
      assert.deepStrictEqual(issue.otherProfiles.map((o: any) => [o.name, o.displayName]), [["ios-mail", "iOS: Exchange Online"]]);
      assert.match(issue.user, /@contoso\.example$/);
    }

    const md = await status(["--stack", "e2e", "--cwd", project.dir]);
    assert.strictEqual(md.code, 2);
    assert.match(md.stdout, /1 with errors or conflicts\*\* \(17 devices in error, 0 in conflict\)/);
    assert.match(md.stdout, /### `ios-mail-2` "iOS: second mailbox": 17 devices in error, 0 in conflict/);
    assert.match(md.stdout, /\| DEV-8a2d4e6f-001 \| user001\.8a2d4e6f@contoso\.example \| error \| `ios-mail` "iOS: Exchange Online" \| another profile already set up an account for host "OUTLOOK\.office365\.com"/);
  });

  it("exits 1 on bad flags, an unknown stack and an unreachable tenant", async () => {
    const bad = await status(["--stack", "e2e", "--cwd", project.dir, "--colour"]);
    assert.strictEqual(bad.code, 1);
    assert.match(bad.stderr, /`status` takes --stack, --cwd, --format, --help; got unknown option "--colour"/);
    assert.match(bad.stderr, /pulumi-intune status --stack NAME/);
    const format = await status(["--stack", "e2e", "--cwd", project.dir, "--format", "html"]);
    assert.strictEqual(format.code, 1);
    assert.match(format.stderr, /`--format` .*markdown, json.*got "html"/);

    const unknown = await status(["--stack", "no-such-stack", "--cwd", project.dir]);
    assert.strictEqual(unknown.code, 1);
    assert.match(unknown.stderr, /pulumi-intune status: `pulumi stack export --stack no-such-stack` failed .*no-such-stack/);
    assert.strictEqual(unknown.stdout, "");

    await server.close();
    const down = await status(["--stack", "e2e", "--cwd", project.dir]);
    assert.strictEqual(down.code, 1, down.stdout);
    assert.match(down.stderr, /pulumi-intune status: cannot read the rollout status from https:\/\/127\.0\.0\.1:\d+/);
    assert.strictEqual(down.stdout, "");
  });
});
