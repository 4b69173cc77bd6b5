// Strict request-body validation against the Graph beta schema extract. The real service rejects
// unknown members, wrong JSON types, unknown enum members and nulls for non-nullable members with a
// 400; clients that pass here are shaped like the ones that pass against Intune.
import { schemaDefault } from "./dialects";
import {
  type GraphSchema,
  type SchemaEnum,
  type SchemaNavigationProperty,
  type SchemaProperty,
  type SchemaType,
  allNavigationProperties,
  allProperties,
  shortTypeName,
} from "../schema/index";
import { GraphErrorFactory } from "./errors";

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Cached look-ups over the schema extract (inheritance, members, enums). */
export class SchemaIndex {
  private readonly propertyCache = new Map<string, readonly SchemaProperty[]>();
  private readonly navigationCache = new Map<string, readonly SchemaNavigationProperty[]>();

  constructor(readonly schema: GraphSchema) {}

  /** Entity or complex type by short or qualified name. */
  type(name: string): SchemaType | undefined {
    const short = shortTypeName(name);
    return this.schema.entityTypes[short] ?? this.schema.complexTypes[short];
  }

  enumType(name: string): SchemaEnum | undefined {
    return this.schema.enumTypes[shortTypeName(name)];
  }

  properties(typeName: string): readonly SchemaProperty[] {
    const short = shortTypeName(typeName);
    let cached = this.propertyCache.get(short);
    if (!cached) {
      cached = allProperties(this.schema, short);
      this.propertyCache.set(short, cached);
    }
    return cached;
  }

  navigations(typeName: string): readonly SchemaNavigationProperty[] {
    const short = shortTypeName(typeName);
    let cached = this.navigationCache.get(short);
    if (!cached) {
      cached = this.schema.entityTypes[short] || this.schema.flattenedDeviceConfigurationTypes[short] ? allNavigationProperties(this.schema, short) : [];
      this.navigationCache.set(short, cached);
    }
    return cached;
  }

  /** Whether `typeName` is `baseName` or derives from it (names short or qualified). */
  isAssignable(typeName: string, baseName: string): boolean {
    const t = this.type(typeName);
    if (!t) return false;
    const base = `microsoft.graph.${shortTypeName(baseName)}`;
    return t.qualifiedName === base || t.ancestors.includes(base);
  }

  /** Concrete entity types that are `base` or derive from it and are creatable as device configurations. */
  isCreatableDeviceConfiguration(typeName: string): boolean {
    const flat = this.schema.flattenedDeviceConfigurationTypes[shortTypeName(typeName)];
    return !!flat && !flat.abstract;
  }
}

/** Options of {@link validateEntityBody}. */
export interface EntityBodyOptions {
  /** Members the server owns; writing one is a 400. */
  readonly readOnly?: ReadonlySet<string>;
  /** Whether `<nav>@odata.bind` annotations are accepted (non-contained single-valued navigations). */
  readonly allowBinds?: boolean;
  /** Members whose absence (or empty string) on create is a 400. */
  readonly required?: readonly string[];
}

/** A validated entity body: normalised values and any `@odata.bind` links. */
export interface ValidatedEntityBody {
  readonly values: Record<string, unknown>;
  readonly binds: Record<string, string>;
  /** The `@odata.type` sent, if any (qualified, without `#`). */
  readonly odataType?: string;
}

/**
 * Validates a create or update body for entity type `typeName` (short name). `@odata.type` is checked
 * by the caller, which knows whether it selects the type (create) or must match it (update).
 */
export function validateEntityBody(index: SchemaIndex, typeName: string, body: unknown, options: EntityBodyOptions = {}): ValidatedEntityBody {
  const qualified = `microsoft.graph.${typeName}`;
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw GraphErrorFactory.invalidPropertyValue("(body)", body, `a JSON object of type '${qualified}'`);
  }
  const props = new Map(index.properties(typeName).map((p) => [p.name, p]));
  const navs = new Map(index.navigations(typeName).map((n) => [n.name, n]));
  const values: Record<string, unknown> = {};
  const binds: Record<string, string> = {};
  let odataType: string | undefined;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === "@odata.type") {
      if (typeof value !== "string") throw GraphErrorFactory.invalidPropertyValue("@odata.type", value, "a type name string");
      odataType = value.replace(/^#/, "");
      continue;
    }
    const at = key.indexOf("@");
    if (at >= 0) {
      const member = key.slice(0, at);
      const annotation = key.slice(at + 1);
      if (annotation === "odata.bind" && options.allowBinds && member) {
        const nav = navs.get(member);
        if (!nav || nav.containsTarget || nav.collection) throw GraphErrorFactory.unknownNavigation(member, qualified);
        if (typeof value !== "string" || !value) throw GraphErrorFactory.invalidBind(member, "the value must be the URL of the target entity");
        binds[member] = value;
        continue;
      }
      throw GraphErrorFactory.unknownAnnotation(key);
    }
    const prop = props.get(key);
    if (!prop) {
      if (navs.has(key)) throw GraphErrorFactory.unknownProperty(key, qualified);
      throw GraphErrorFactory.unknownProperty(key, qualified);
    }
    if (options.readOnly?.has(key)) throw GraphErrorFactory.readOnlyProperty(key, qualified);
    values[key] = validateValue(index, prop, value, key);
  }
  for (const name of options.required ?? []) {
    if (values[name] === undefined || values[name] === null || values[name] === "") throw GraphErrorFactory.missingRequiredProperty(name, qualified);
  }
  return { values, binds, odataType };
}

function typeLabel(prop: SchemaProperty): string {
  return prop.collection ? `Collection(${prop.type})` : prop.type;
}

/** Validates one member value against its declared type; returns the normalised value. */
export function validateValue(index: SchemaIndex, prop: SchemaProperty, value: unknown, path: string): unknown {
  if (value === null) {
    // For collections, Nullable describes the items; a null collection is never accepted.
    if (prop.collection || !prop.nullable) throw GraphErrorFactory.nullNotAllowed(path, typeLabel(prop));
    return null;
  }
  if (prop.collection) {
    if (!Array.isArray(value)) throw GraphErrorFactory.invalidPropertyValue(path, value, `a JSON array (${typeLabel(prop)})`);
    return value.map((item, i) => {
      if (item === null) {
        if (!prop.nullable) throw GraphErrorFactory.nullNotAllowed(`${path}[${i}]`, prop.type);
        return null;
      }
      return validateSingle(index, prop, item, `${path}[${i}]`);
    });
  }
  return validateSingle(index, prop, value, path);
}

function validateSingle(index: SchemaIndex, prop: SchemaProperty, value: unknown, path: string): unknown {
  const type = prop.type;
  switch (type) {
    case "Edm.String":
      if (typeof value !== "string") throw GraphErrorFactory.invalidPropertyValue(path, value, "a string (Edm.String)");
      return value;
    case "Edm.Boolean":
      if (typeof value !== "boolean") throw GraphErrorFactory.invalidPropertyValue(path, value, "a boolean (Edm.Boolean)");
      return value;
    case "Edm.Int32":
      if (typeof value !== "number" || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
        throw GraphErrorFactory.invalidPropertyValue(path, value, "a 32-bit integer (Edm.Int32)");
      }
      return value;
    case "Edm.Int64":
      if (typeof value !== "number" || !Number.isSafeInteger(value)) throw GraphErrorFactory.invalidPropertyValue(path, value, "an integer (Edm.Int64)");
      return value;
    case "Edm.Double":
    case "Edm.Single":
      if (typeof value !== "number" || !Number.isFinite(value)) throw GraphErrorFactory.invalidPropertyValue(path, value, `a number (${type})`);
      return value;
    case "Edm.Guid":
      if (typeof value !== "string" || !GUID.test(value)) throw GraphErrorFactory.invalidPropertyValue(path, value, "a GUID (Edm.Guid)");
      return value;
    case "Edm.DateTimeOffset":
      if (typeof value !== "string" || !DATE_TIME_OFFSET.test(value) || Number.isNaN(Date.parse(value))) {
        throw GraphErrorFactory.invalidPropertyValue(path, value, "an ISO 8601 date and time with offset (Edm.DateTimeOffset)");
      }
      return value;
    case "Edm.Binary":
      if (typeof value !== "string" || value.length % 4 !== 0 || !BASE64.test(value)) {
        throw GraphErrorFactory.invalidPropertyValue(path, value, "base64 data (Edm.Binary)");
      }
      return value;
  }
  const enumType = index.enumType(type);
  if (enumType) return validateEnum(enumType, value, path);
  const complex = index.schema.complexTypes[shortTypeName(type)];
  if (complex) return validateComplex(index, complex.name, value, path);
  throw GraphErrorFactory.invalidPropertyValue(path, value, `a value of unsupported type '${type}'`);
}

/** Checks an enum member (flags: comma-joined members) and returns it in the service's canonical form. */
export function validateEnum(enumType: SchemaEnum, value: unknown, path: string): string {
  if (typeof value !== "string" || value.trim() === "") throw GraphErrorFactory.invalidEnumValue(path, value, enumType.qualifiedName);
  if (!enumType.isFlags) {
    if (!enumType.members.some((m) => m.name === value)) throw GraphErrorFactory.invalidEnumValue(path, value, enumType.qualifiedName);
    return value;
  }
  const parts = value.split(",").map((s) => s.trim());
  let bits = 0;
  for (const part of parts) {
    const member = enumType.members.find((m) => m.name === part);
    if (!member) throw GraphErrorFactory.invalidEnumValue(path, part, enumType.qualifiedName);
    bits |= member.value;
  }
  return formatFlags(enumType, bits);
}

/** The service serialises a flags value as its set members in declaration order (the zero member alone). */
export function formatFlags(enumType: SchemaEnum, bits: number): string {
  if (bits === 0) {
    const zero = enumType.members.find((m) => m.value === 0);
    return zero ? zero.name : "0";
  }
  return enumType.members.filter((m) => m.value !== 0 && (bits & m.value) === m.value).map((m) => m.name).join(",");
}

/**
 * Validates a complex value, honouring `@odata.type` for derived types, and returns it complete:
 * every member present (unset ones with the server default), `@odata.type` kept when the value's type
 * is not exactly the declared one or the declared one is abstract, as Graph serialises it.
 */
export function validateComplex(index: SchemaIndex, declared: string, value: unknown, path: string): Record<string, unknown> {
  const declaredType = index.schema.complexTypes[shortTypeName(declared)];
  if (!declaredType) throw GraphErrorFactory.invalidPropertyValue(path, value, `a value of unknown type '${declared}'`);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw GraphErrorFactory.invalidPropertyValue(path, value, `a JSON object of type '${declaredType.qualifiedName}'`);
  }
  const obj = value as Record<string, unknown>;
  let actual = declaredType;
  const sentType = obj["@odata.type"];
  if (sentType !== undefined) {
    if (typeof sentType !== "string") throw GraphErrorFactory.invalidPropertyValue(`${path}/@odata.type`, sentType, "a type name string");
    const candidate = index.schema.complexTypes[shortTypeName(sentType)];
    if (!candidate || !index.isAssignable(candidate.name, declaredType.name)) {
      throw GraphErrorFactory.unknownODataType(sentType, declaredType.qualifiedName);
    }
    actual = candidate;
  }
  if (actual.abstract) throw GraphErrorFactory.missingODataType(actual.qualifiedName);
  const props = new Map(index.properties(actual.name).map((p) => [p.name, p]));
  const out: Record<string, unknown> = {};
  if (actual !== declaredType || declaredType.abstract) out["@odata.type"] = `#${actual.qualifiedName}`;
  for (const [key, member] of Object.entries(obj)) {
    if (key === "@odata.type") continue;
    if (key.includes("@")) throw GraphErrorFactory.unknownAnnotation(`${path}/${key}`);
    const prop = props.get(key);
    if (!prop) throw GraphErrorFactory.unknownProperty(`${path}/${key}`, actual.qualifiedName);
    out[key] = validateValue(index, prop, member, `${path}/${key}`);
  }
  for (const prop of props.values()) {
    if (!(prop.name in out)) out[prop.name] = schemaDefault(index.schema, prop);
  }
  return out;
}

/** Every structural member of `typeName`: the given values, the server default for the rest. */
export function materialise(index: SchemaIndex, typeName: string, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const prop of index.properties(typeName)) {
    out[prop.name] = prop.name in values ? values[prop.name] : schemaDefault(index.schema, prop);
  }
  return out;
}
