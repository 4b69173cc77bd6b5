// Real Pulumi warnings from inside the dynamic provider. The provider process has no engine connection
// of its own (pulumi.log would only print to stderr, shown as info), but the engine's address is the
// last argument it was started with, so we call the engine's Log RPC ourselves, with the resource URN.
import type * as grpcTypes from "@grpc/grpc-js";
import { processCache } from "./processCache";

export type LogSeverity = "debug" | "info" | "warning" | "error";


/** The engine address in a dynamic-provider host's arguments (`127.0.0.1:<port>`, last), if any. */
export function engineAddress(argv: readonly string[]): string | undefined {
  const last = argv[argv.length - 1];
  return last && /^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(last) ? last : undefined;
}

/**
 * The one adapter to a Pulumi detail without public API: Pulumi's dynamic-provider host (the binary
 * `@pulumi/pulumi/cmd/dynamic-provider`, in whose process this code runs) is started with the engine's
 * address as its argument but neither keeps nor exposes it, so `pulumi.log` there goes nowhere
 * (pulumi/pulumi#6065 "Dynamic Providers and Policy Packs are not connected to the pulumi engine",
 * and #18249). We read the host's own command line, and only here. Tested in test/unit/provider/engineLog.test.ts.
 */
export function hostEngineAddress(): string | undefined {
  return engineAddress(process.argv);
}

function engineClient(): any {
  const engine = processCache.engine as { client?: any; unavailable?: boolean };
  if (engine.client || engine.unavailable) return engine.client;
  const address = hostEngineAddress();
  if (!address) {
    engine.unavailable = true;
    return undefined;
  }
  // The grpc-js that @pulumi/pulumi itself uses, so its generated stubs and our channel agree.
  const path = require("path") as typeof import("path");
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const grpc: typeof grpcTypes = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
  const services = require("@pulumi/pulumi/proto/engine_grpc_pb");
  engine.client = new services.EngineClient(address, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 1 << 30,
  });
  return engine.client;
}

/**
 * Sends one diagnostic to the engine, attached to `urn` when given. Falls back to stderr (shown as
 * info) when no engine is reachable, e.g. in tests.
 */
export function engineLog(severity: LogSeverity, message: string, urn?: string): Promise<void> {
  const c = engineClient();
  if (!c) {
    process.stderr.write(`${severity}: ${message}\n`);
    return Promise.resolve();
  }
  const pb = require("@pulumi/pulumi/proto/engine_pb");
  const req = new pb.LogRequest();
  const sev = { debug: pb.LogSeverity.DEBUG, info: pb.LogSeverity.INFO, warning: pb.LogSeverity.WARNING, error: pb.LogSeverity.ERROR }[severity];
  req.setSeverity(sev);
  req.setMessage(message);
  if (urn) req.setUrn(urn);
  return new Promise((resolve) => {
    c.log(req, (err: Error | null) => {
      if (err) process.stderr.write(`${severity}: ${message}\n`);
      resolve();
    });
  });
}
