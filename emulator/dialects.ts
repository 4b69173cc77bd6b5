// Tenant dialects: how a GET answer renders the properties a client never set. The store keeps only what
// was written; the serializer asks this module what an unset property looks like on the wire.
//
// - `schema`: what the schema extract implies (nullable → null, otherwise false / 0 / "" / first enum member).
// - `live`:   what published live captures show (every property present, unset booleans false even when
//             nullable, strings null, enums their first member, flags in bit-value order, tips annotation).
// - `sparse`: unset properties omitted, a world no public capture rules out.
import { type GraphSchema, type SchemaEnum, type SchemaProperty, shortTypeName } from "../schema/index";

export const DIALECTS = ["schema", "live", "sparse"] as const;

export type Dialect = (typeof DIALECTS)[number];

export function isDialect(value: unknown): value is Dialect {
  return typeof value === "string" && (DIALECTS as readonly string[]).includes(value);
}

/** Marker for "leave the property out of the answer" (sparse). */
export const OMIT: unique symbol = Symbol("omit");

function zeroFlagsMember(e: SchemaEnum): string {
  return e.members.find((m) => m.value === 0)?.name ?? e.members[0].name;
}

/** The schema dialect's value for an unset property (the emulator's answers before dialects existed). */
export function schemaDefault(schema: GraphSchema, prop: SchemaProperty): unknown {
  if (prop.collection) return [];
  if (prop.nullable) return null;
  switch (prop.type) {
    case "Edm.Boolean":
      return false;
    case "Edm.Int32":
    case "Edm.Int64":
    case "Edm.Double":
      return 0;
    case "Edm.String":
      return "";
  }
  const e = schema.enumTypes[shortTypeName(prop.type)];
  if (e) return e.isFlags ? zeroFlagsMember(e) : e.members[0].name;
  return null;
}

/** The live dialect's value for an unset property, as captures of a real tenant show it. */
export function liveDefault(schema: GraphSchema, prop: SchemaProperty): unknown {
  if (prop.collection) return [];
  // Captures show unset S/MIME and OAuth booleans as false although the schema marks them nullable.
  if (prop.type === "Edm.Boolean") return false;
  const e = schema.enumTypes[shortTypeName(prop.type)];
  // Captures show unset certificate types as "none": the first declared member.
  if (e) return e.members[0].name;
  if (prop.nullable) return null;
  switch (prop.type) {
    case "Edm.Int32":
    case "Edm.Int64":
    case "Edm.Double":
      return 0;
  }
  // Strings (description included) come back null when unset.
  return null;
}

/** What `dialect` answers for an unset property; {@link OMIT} when it is left out. */
export function unsetValue(dialect: Dialect, schema: GraphSchema, prop: SchemaProperty): unknown {
  switch (dialect) {
    case "schema":
      return schemaDefault(schema, prop);
    case "live":
      return liveDefault(schema, prop);
    case "sparse":
      return OMIT;
  }
}

/** A flags value with its members in ascending bit-value order (how the live service answers). */
export function flagsInBitOrder(enumType: SchemaEnum, value: string): string {
  const parts = value.split(",").map((s) => s.trim()).filter(Boolean);
  const known = parts.map((name) => enumType.members.find((m) => m.name === name));
  if (known.some((m) => m === undefined)) return value;
  const set = known.filter((m): m is NonNullable<typeof m> => m !== undefined && m.value !== 0);
  if (set.length === 0) return zeroFlagsMember(enumType);
  return [...new Set(set)].sort((a, b) => a.value - b.value).map((m) => m.name).join(",");
}

/**
 * The wire form of an entity of `typeName` from what the store holds: server-owned and set members as
 * they are, unset ones per dialect, properties of `properties` order first and `@odata.type` in front.
 */
export function renderEntity(
  dialect: Dialect,
  schema: GraphSchema,
  properties: readonly SchemaProperty[],
  stored: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (stored["@odata.type"] !== undefined) out["@odata.type"] = stored["@odata.type"];
  for (const prop of properties) {
    let value: unknown = prop.name in stored ? stored[prop.name] : unsetValue(dialect, schema, prop);
    if (value === OMIT) continue;
    if (dialect === "live" && typeof value === "string") {
      const e = schema.enumTypes[shortTypeName(prop.type)];
      if (e?.isFlags) value = flagsInBitOrder(e, value);
    }
    out[prop.name] = value;
  }
  // Members outside the type (older state files, seeded extras) are kept rather than silently dropped.
  for (const [k, v] of Object.entries(stored)) if (!(k in out) && k !== "@odata.type" && !properties.some((p) => p.name === k)) out[k] = v;
  return out;
}

/** The `@microsoft.graph.tips` text the live service adds to GET answers. */
export function selectTip(resourcePath: string, single: boolean, propertyNames: readonly string[]): string {
  const example = [...propertyNames].filter((n) => !n.startsWith("@")).sort().slice(0, 2).join(",");
  const target = single ? `${resourcePath}('<key>')` : resourcePath;
  return `Use $select to choose only the properties your app needs, as this could lead to performance improvements. For example: GET ${target}?$select=${example}`;
}
