// The `/_emulator/*` control API: no auth, not logged, not throttled, never given faults.
import type { ChaosReport } from "../chaos";
import { type EmulatorHttpError, GraphErrorFactory, isEmulatorHttpError } from "../errors";
import type { FaultRule, FaultRuleInput } from "../faults";
import type { EmulatorState, EmulatorStore } from "../store";
import { type EmulatorRequest, type EmulatorResponse, type EmulatorRuntimeConfig, type LoggedRequest, empty, json } from "./types";

/** What the control API operates on (the server). */
export interface ControlTarget {
  readonly store: EmulatorStore;
  readonly config: EmulatorRuntimeConfig;
  connectionInfo(): unknown;
  requests(): LoggedRequest[];
  clearRequests(): void;
  listFaults(): readonly FaultRule[];
  injectFault(input: FaultRuleInput): FaultRule;
  clearFaults(): void;
  configure(patch: Record<string, unknown>): EmulatorRuntimeConfig;
  chaosReport(): ChaosReport;
  reset(): void;
  errorResponse(err: EmulatorHttpError, req: EmulatorRequest): EmulatorResponse;
}

function jsonObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw GraphErrorFactory.controlBadRequest("the body must be a JSON object");
  return body as Record<string, unknown>;
}

/** Answers one control request. */
export function handleControl(target: ControlTarget, req: EmulatorRequest): EmulatorResponse {
  try {
    let body: unknown;
    if (req.bodyText.trim()) {
      try {
        body = JSON.parse(req.bodyText);
      } catch (e) {
        throw GraphErrorFactory.invalidJson((e as Error).message);
      }
    }
    switch (`${req.method} ${req.path.replace(/\/$/, "")}`) {
      case "GET /_emulator/info":
        return json(200, target.connectionInfo());
      case "GET /_emulator/requests":
        return json(200, target.requests());
      case "DELETE /_emulator/requests":
        target.clearRequests();
        return empty(204);
      case "GET /_emulator/faults":
        return json(200, target.listFaults());
      case "POST /_emulator/faults":
        return json(201, target.injectFault(body as FaultRuleInput));
      case "DELETE /_emulator/faults":
        target.clearFaults();
        return empty(204);
      case "GET /_emulator/config":
        return json(200, target.config);
      case "PUT /_emulator/config":
      case "PATCH /_emulator/config":
        return json(200, target.configure(jsonObject(body)));
      case "GET /_emulator/chaos":
        return json(200, target.chaosReport());
      case "GET /_emulator/state":
        return json(200, target.store.dump());
      case "PUT /_emulator/state":
        target.store.load(jsonObject(body) as Partial<EmulatorState>);
        return empty(204);
      case "POST /_emulator/reset":
        target.reset();
        return empty(204);
    }
    return target.errorResponse(GraphErrorFactory.resourceNotFound(`control endpoint '${req.method} ${req.path}'`), req);
  } catch (e) {
    const err = isEmulatorHttpError(e) ? e : GraphErrorFactory.controlBadRequest((e as Error).message);
    return target.errorResponse(err, req);
  }
}
