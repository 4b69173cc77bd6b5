#!/usr/bin/env node
// `pulumi-intune-emulator [--port N] [--state FILE] …` (`--help` lists every flag): runs the emulator until SIGTERM/SIGINT and prints
// one JSON line with the connection info once it accepts connections (scripts wait for that line).
import { binaryUsageText, type CommandSpec, parseOptions, UsageError } from "../cli/args";
import { DIALECTS, createServer, isDialect, type EmulatorOptions, seedPortalTenant } from "./index";

/** The emulator's flags, parsed strictly by the CLI's one parser (cli/args.ts). */
export const emulatorCommand: CommandSpec = {
  summary: "runs the Intune Graph emulator until SIGTERM/SIGINT; prints one JSON line with the connection info once it accepts connections",
  positionals: [],
  options: {
    port: { type: "string", value: "N", help: "port on 127.0.0.1, 0 for any free one" },
    state: { type: "string", value: "FILE", help: "keep the tenant in FILE across restarts" },
    "ca-dir": { type: "string", value: "DIR", help: "where the test certificate authority lives" },
    "tenant-id": { type: "string", value: "GUID", help: "the tenant id the token endpoint accepts" },
    "client-id": { type: "string", value: "GUID", help: "the client id the token endpoint accepts" },
    "client-secret": { type: "string", value: "S", help: "the client secret the token endpoint accepts" },
    throttling: { type: "boolean", help: "enforce Intune's published request limits" },
    dialect: { type: "string", value: "DIALECT", help: `how GET answers look: ${DIALECTS.join(", ")}` },
    chaos: { type: "string", value: "RATE", help: "inject seeded faults into this share of Graph requests (0 to 1): 429, 503, 500/502/504 before or after the commit, dropped connections" },
    seed: { type: "string", value: "N", help: "seed of the fault draw (needs --chaos)" },
    "portal-tenant": { type: "boolean", help: "start with a tenant full of portal-made objects (to try export on), when empty" },
  },
};

/** What the command line asks for; throws UsageError naming the flag, the rule and the bad value. */
export function emulatorOptions(argv: readonly string[]): { help: true } | { help: false; server: EmulatorOptions; portalTenant: boolean } {
  const { help, values } = parseOptions("pulumi-intune-emulator", emulatorCommand, argv);
  if (help) return { help: true };
  const options: { -readonly [K in keyof EmulatorOptions]: EmulatorOptions[K] } = {};
  const text = (name: string) => values[name] as string | undefined;
  const port = text("port");
  if (port !== undefined) {
    const n = Number(port);
    if (!/^\d+$/.test(port) || n > 65535) throw new UsageError(`--port must be 0-65535, got ${JSON.stringify(port)}`);
    options.port = n;
  }
  if (text("state") !== undefined) options.statePath = text("state");
  if (text("ca-dir") !== undefined) options.caDir = text("ca-dir");
  if (text("tenant-id") !== undefined) options.tenantId = text("tenant-id");
  if (text("client-id") !== undefined) options.clientId = text("client-id");
  if (text("client-secret") !== undefined) options.clientSecret = text("client-secret");
  if (values.throttling === true) options.throttling = true;
  const dialect = text("dialect");
  if (dialect !== undefined) {
    if (!isDialect(dialect)) throw new UsageError(`--dialect must be one of ${DIALECTS.join(", ")}, got ${JSON.stringify(dialect)}`);
    options.dialect = dialect;
  }
  const chaos = text("chaos");
  const seed = text("seed");
  const rate = Number(chaos);
  if (chaos !== undefined && (!Number.isFinite(rate) || rate < 0 || rate > 1)) throw new UsageError(`--chaos must be a rate from 0 to 1, got ${JSON.stringify(chaos)}`);
  if (seed !== undefined && !Number.isSafeInteger(Number(seed))) throw new UsageError(`--seed must be an integer, got ${JSON.stringify(seed)}`);
  if (seed !== undefined && chaos === undefined) throw new UsageError("--seed needs --chaos RATE");
  // Without --seed the draw still repeats from run to run: seed 0.
  if (chaos !== undefined) options.chaos = { rate, seed: seed === undefined ? 0 : Number(seed) };
  return { help: false, server: options, portalTenant: values["portal-tenant"] === true };
}

async function main(argv: readonly string[]): Promise<void> {
  let parsed: ReturnType<typeof emulatorOptions>;
  try {
    parsed = emulatorOptions(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    // A wrong flag fails closed: exit 1, the reason, then the usage.
    process.stderr.write(`pulumi-intune-emulator: ${e.message}\n\n${binaryUsageText("pulumi-intune-emulator", emulatorCommand)}\n`);
    process.exit(1);
  }
  if (parsed.help) {
    process.stdout.write(`${binaryUsageText("pulumi-intune-emulator", emulatorCommand)}\n`);
    return;
  }
  const server = createServer(parsed.server);
  if (parsed.portalTenant && server.store.listDeviceConfigurations().length === 0) seedPortalTenant(server.store);
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

// Only when run as the binary: tests import emulatorOptions without starting a server.
if (require.main === module) main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`pulumi-intune-emulator: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
