#!/usr/bin/env node
// `pulumi-intune-emulator [--port N] [--state FILE]`: runs the emulator until SIGTERM/SIGINT and prints
// one JSON line with the connection info once it accepts connections (scripts wait for that line).
import { DIALECTS, createServer, isDialect, type EmulatorOptions, seedPortalTenant } from "./index";

/** A bad flag value: exit 1 with a message naming the flag, the rule and the value. */
function fail(message: string): never {
  process.stderr.write(`pulumi-intune-emulator: ${message}\n`);
  process.exit(1);
}

function usage(message?: string): never {
  if (message) process.stderr.write(`pulumi-intune-emulator: ${message}\n`);
  process.stderr.write(
    "usage: pulumi-intune-emulator [--port N] [--state FILE] [--ca-dir DIR] [--tenant-id GUID] [--client-id GUID] [--client-secret S] [--throttling]\n" +
      "                              [--dialect schema|live|sparse] [--chaos RATE --seed N] [--portal-tenant]\n" +
      "  --chaos RATE  seeded faults on that share of Graph requests: 429, 503, 500/502/504 before or after the commit, dropped connections\n",
  );
  process.exit(message ? 2 : 0);
}

let portalTenant = false;

function parseArgs(argv: readonly string[]): EmulatorOptions {
  const options: { -readonly [K in keyof EmulatorOptions]: EmulatorOptions[K] } = {};
  let chaosRate: number | undefined;
  let chaosSeed: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--port": {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535) usage("--port must be 0-65535");
        options.port = port;
        break;
      }
      case "--state":
        options.statePath = value();
        break;
      case "--ca-dir":
        options.caDir = value();
        break;
      case "--tenant-id":
        options.tenantId = value();
        break;
      case "--client-id":
        options.clientId = value();
        break;
      case "--client-secret":
        options.clientSecret = value();
        break;
      case "--throttling":
        options.throttling = true;
        break;
      case "--portal-tenant":
        // A tenant full of portal-made objects (to try `pulumi-intune export` on), when it starts empty.
        portalTenant = true;
        break;
      case "--dialect": {
        const dialect = value();
        if (!isDialect(dialect)) fail(`--dialect must be one of ${DIALECTS.join(", ")}, got ${JSON.stringify(dialect)}`);
        options.dialect = dialect;
        break;
      }
      case "--chaos": {
        const raw = value();
        const rate = Number(raw);
        if (raw.trim() === "" || !Number.isFinite(rate) || rate < 0 || rate > 1) fail(`--chaos must be a rate from 0 to 1, got ${JSON.stringify(raw)}`);
        chaosRate = rate;
        break;
      }
      case "--seed": {
        const raw = value();
        const seed = Number(raw);
        if (raw.trim() === "" || !Number.isSafeInteger(seed)) fail(`--seed must be an integer, got ${JSON.stringify(raw)}`);
        chaosSeed = seed;
        break;
      }
      case "-h":
      case "--help":
        usage();
        break;
      default:
        usage(`unknown argument ${arg}`);
    }
  }
  if (chaosSeed !== undefined && chaosRate === undefined) fail("--seed needs --chaos RATE");
  // Without --seed the draw still repeats from run to run: seed 0.
  if (chaosRate !== undefined) options.chaos = { rate: chaosRate, seed: chaosSeed ?? 0 };
  return options;
}

async function main(): Promise<void> {
  const server = createServer(parseArgs(process.argv.slice(2)));
  if (portalTenant && server.store.listDeviceConfigurations().length === 0) seedPortalTenant(server.store);
  const info = await server.start();
  process.stdout.write(`${JSON.stringify(info)}\n`);
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    server.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`pulumi-intune-emulator: error while closing on ${signal}: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((e: unknown) => {
  process.stderr.write(`pulumi-intune-emulator: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
