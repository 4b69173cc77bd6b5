// Real Pulumi warnings from inside the dynamic provider. The provider process has no engine connection
// of its own (pulumi.log would only print to stderr, shown as info), so we call the engine's Log RPC
// ourselves, with the resource URN, at the address the provider's entry point hands to `configure`.
import type * as grpcTypes from "@grpc/grpc-js";
import { processCache } from "./processCache";

export type LogSeverity = "debug" | "info" | "warning" | "error";

/**
 * `candidate` if it is an engine address as Pulumi starts its plugins with one (`127.0.0.1:<port>`,
 * `localhost:<port>`, `[::1]:<port>`), else undefined: outside a provider host (tests, tools) the value
 * handed in is whatever the process's last argument happens to be.
 */
export function engineAddress(candidate: string | undefined): string | undefined {
  return candidate && /^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(candidate) ? candidate : undefined;
}

/**
 * Points this process's engine log at `address` (see {@link engineAddress}; anything else: no engine,
 * diagnostics go to stderr). Called by `configure` with the address the provider's entry point read
 * from the host's command line (sdk/provider.ts: the host exposes it nowhere else, pulumi/pulumi#6065).
 */
export function connectEngine(address: string | undefined): void {
  const engine = processCache.engine;
  const valid = engineAddress(address);
  if (engine.address === valid) return;
  (engine.client as { close?: () => void } | undefined)?.close?.();
  engine.address = valid;
  engine.client = valid ? engineClient(valid) : undefined;
}

function engineClient(address: string): unknown {
  // The grpc-js that @pulumi/pulumi itself uses, so its generated stubs and our channel agree.
  const path = require("path") as typeof import("path");
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const grpc: typeof grpcTypes = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
  const services = require("@pulumi/pulumi/proto/engine_grpc_pb");
  return new services.EngineClient(address, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 1 << 30,
  });
}

/**
 * Sends one diagnostic to the engine, attached to `urn` when given. Falls back to stderr (shown as
 * info) when no engine is connected ({@link connectEngine}), e.g. in tests.
 */
export function engineLog(severity: LogSeverity, message: string, urn?: string): Promise<void> {
  const c = processCache.engine.client as any;
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
