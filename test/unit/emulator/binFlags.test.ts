// `pulumi-intune-emulator`'s flags go through the CLI's one strict parser: a wrong flag fails closed,
// naming the flag, the rule and the bad value.
import * as assert from "assert";
import { UsageError } from "../../../cli/args";
import { emulatorOptions } from "../../../emulator/bin";

const fails = (argv: string[], pattern: RegExp) => assert.throws(() => emulatorOptions(argv), (e: unknown) => e instanceof UsageError && pattern.test(e.message));

describe("unit: pulumi-intune-emulator flags", () => {
  it("takes every flag, inline values too", () => {
    const o = emulatorOptions(["--port=0", "--state", "s.json", "--throttling", "--dialect", "live", "--chaos", "0.25", "--seed", "7", "--portal-tenant", "--tenant-id", "t"]);
    assert.deepStrictEqual(o, { help: false, portalTenant: true, server: { port: 0, statePath: "s.json", throttling: true, dialect: "live", chaos: { rate: 0.25, seed: 7 }, tenantId: "t" } });
    assert.deepStrictEqual(emulatorOptions(["--chaos", "0.1"]), { help: false, portalTenant: false, server: { chaos: { rate: 0.1, seed: 0 } } });
    assert.deepStrictEqual(emulatorOptions(["-h"]), { help: true });
  });

  it("refuses unknown flags, stray arguments, missing and bad values", () => {
    fails(["--portt", "1"], /got unknown option "--portt" \(did you mean `--port`\?\)$/);
    fails(["extra"], /takes no positional arguments; got "extra"$/);
    fails(["--port"], /^`--port` needs a value \(N\); got nothing$/);
    fails(["--port", "70000"], /^--port must be 0-65535, got "70000"$/);
    fails(["--port", "-1"], /--port/);
    fails(["--throttling=yes"], /^`--throttling` takes no value; got "yes"$/);
    fails(["--dialect", "foo"], /^--dialect must be one of schema, live, sparse, got "foo"$/);
    fails(["--chaos", "2"], /^--chaos must be a rate from 0 to 1, got "2"$/);
    fails(["--chaos", " "], /^`--chaos` needs a value/);
    fails(["--chaos", "0.1", "--seed", "x"], /^--seed must be an integer, got "x"$/);
    fails(["--seed", "1"], /^--seed needs --chaos RATE$/);
    fails(["--port", "1", "--port", "2"], /may be given once/);
  });
});
