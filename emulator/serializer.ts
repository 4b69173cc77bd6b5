// The serializer stage: turns the entities a handler answers with into the JSON body of the tenant's
// dialect (unset properties, flags order, annotations), then applies the collection query.
import { shortTypeName } from "../schema/index";
import { type Dialect, renderEntity, selectTip } from "./dialects";
import { metadata, pageCollection, project } from "./routes/query";
import type { EmulatorRequest, EmulatorResponse, GraphEnvironment, ResourcePayload } from "./routes/types";

/** The schema type an item renders as: its own `@odata.type`, else the payload's, else none. */
function renderType(env: GraphEnvironment, item: Record<string, unknown>, fallback: string | undefined): string | undefined {
  const sent = item["@odata.type"];
  const name = typeof sent === "string" ? shortTypeName(sent) : fallback;
  return name && env.index.type(name) ? name : undefined;
}

function render(env: GraphEnvironment, dialect: Dialect, item: Record<string, unknown>, typeName: string | undefined): Record<string, unknown> {
  const type = renderType(env, item, typeName);
  return type ? renderEntity(dialect, env.index.schema, env.index.properties(type), item) : item;
}

function tipExampleNames(env: GraphEnvironment, sample: Record<string, unknown> | undefined, typeName: string | undefined, preferDeclared: boolean): string[] {
  const type = preferDeclared && typeName ? typeName : sample ? renderType(env, sample, typeName) : typeName;
  if (type && env.index.type(type)) return env.index.properties(type).map((p) => p.name);
  return Object.keys(sample ?? { id: null });
}

/** The JSON body for `payload` as `dialect` answers `req`. */
export function serializeResource(env: GraphEnvironment, req: EmulatorRequest, version: string, dialect: Dialect, payload: ResourcePayload): Record<string, unknown> {
  const body: Record<string, unknown> = { "@odata.context": metadata(env, version, payload.context) };
  // Live answers to GETs carry a `$select` hint; writes answer without one.
  const tips = dialect === "live" && req.method === "GET";
  if (payload.kind === "entity") {
    if (tips) body["@microsoft.graph.tips"] = selectTip(payload.tipsPath, true, tipExampleNames(env, payload.item, payload.typeName, false));
    return { ...body, ...project(render(env, dialect, payload.item, payload.typeName), payload.select) };
  }
  const rows = payload.items.map((item) => render(env, dialect, item, payload.typeName));
  const page = pageCollection(env, req, rows, payload.query, payload.isOf);
  if (tips) body["@microsoft.graph.tips"] = selectTip(payload.tipsPath, false, tipExampleNames(env, payload.items[0], payload.typeName, true));
  if (page.count !== undefined) body["@odata.count"] = page.count;
  if (page.nextLink !== undefined) body["@odata.nextLink"] = page.nextLink;
  body.value = payload.expand ? page.value.map((row) => expandRow(env, version, dialect, row, payload.expand!(row))) : page.value;
  return body;
}

/** A row with its expanded navigation collections, each rendered as its own route would answer it. */
function expandRow(
  env: GraphEnvironment,
  version: string,
  dialect: Dialect,
  row: Record<string, unknown>,
  expanded: Record<string, { readonly context: string; readonly items: readonly Record<string, unknown>[] }>,
): Record<string, unknown> {
  const out = { ...row };
  for (const [name, { context, items }] of Object.entries(expanded)) {
    out[`${name}@odata.context`] = metadata(env, version, context);
    out[name] = items.map((item) => render(env, dialect, item, undefined));
  }
  return out;
}

/** The serializer stage: a response with a resource payload gets its body; others pass unchanged. */
export function serialize(env: GraphEnvironment, req: EmulatorRequest, version: string, response: EmulatorResponse): EmulatorResponse {
  if (!response.resource) return response;
  const { resource, ...rest } = response;
  return { ...rest, body: serializeResource(env, req, version, env.config.dialect, resource) };
}
