// Microsoft Graph beta schema extract (CSDL -> JSON) for Intune e-mail profiles; provenance in PROVENANCE.md.
// The emulator validates every request against it, and the provider's types are checked against it in tests.
import * as fs from "fs";
import * as path from "path";

/** A structural property of an entity or complex type. */
export interface SchemaProperty {
  readonly name: string;
  /** Qualified type: `Edm.String`, `microsoft.graph.easServices`, … (element type for collections). */
  readonly type: string;
  readonly collection: boolean;
  readonly nullable: boolean;
  /** Set on flattened types: the type that declares the property. */
  readonly declaredOn?: string;
}

/** A navigation property (a link to another entity). */
export interface SchemaNavigationProperty extends SchemaProperty {
  readonly containsTarget: boolean;
}

/** An entity or complex type as extracted. Names are short (`iosEasEmailProfileConfiguration`). */
export interface SchemaType {
  readonly name: string;
  readonly qualifiedName: string;
  readonly baseType: string | null;
  readonly abstract: boolean;
  readonly properties: readonly SchemaProperty[];
  readonly navigationProperties: readonly SchemaNavigationProperty[];
  readonly ancestors: readonly string[];
}

export interface SchemaEnum {
  readonly name: string;
  readonly qualifiedName: string;
  readonly isFlags: boolean;
  readonly members: readonly { readonly name: string; readonly value: number }[];
}

/** A type below `deviceConfiguration` with every inherited member. */
export interface FlattenedType {
  readonly abstract: boolean;
  readonly odataType: string;
  readonly properties: readonly SchemaProperty[];
  readonly navigationProperties: readonly SchemaNavigationProperty[];
}

export interface GraphSchema {
  readonly api: string;
  readonly entityTypes: Readonly<Record<string, SchemaType>>;
  readonly complexTypes: Readonly<Record<string, SchemaType>>;
  readonly enumTypes: Readonly<Record<string, SchemaEnum>>;
  readonly flattenedDeviceConfigurationTypes: Readonly<Record<string, FlattenedType>>;
  readonly actions: readonly {
    readonly name: string;
    readonly bindingType: string;
    readonly parameters: readonly SchemaProperty[];
  }[];
}

let cached: GraphSchema | undefined;

/** Loads the beta schema extract that ships with the package (read once per process). */
export function loadGraphSchema(): GraphSchema {
  if (!cached) {
    const file = path.join(__dirname, "intune-email.beta.json");
    cached = JSON.parse(fs.readFileSync(file, "utf8")) as GraphSchema;
  }
  return cached;
}

/** `microsoft.graph.x` or `#microsoft.graph.x` -> `x`. */
export function shortTypeName(qualified: string): string {
  return qualified.replace(/^#/, "").replace(/^microsoft\.graph\./, "");
}

/** Every concrete type in the extract that derives from `base` (or is `base`), by short name. */
export function concreteTypesDerivedFrom(schema: GraphSchema, base: string): string[] {
  const q = `microsoft.graph.${base}`;
  return Object.values(schema.entityTypes)
    .filter((t) => !t.abstract && (t.qualifiedName === q || t.ancestors.includes(q)))
    .map((t) => t.name)
    .sort();
}

/** Every member (own and inherited) of an entity or complex type, by short name. */
export function allProperties(schema: GraphSchema, typeName: string): SchemaProperty[] {
  const flat = schema.flattenedDeviceConfigurationTypes[typeName];
  if (flat) return [...flat.properties];
  const t = schema.entityTypes[typeName] ?? schema.complexTypes[typeName];
  if (!t) throw new Error(`unknown schema type ${typeName}`);
  const chain = [t, ...t.ancestors.map((a) => schema.entityTypes[shortTypeName(a)] ?? schema.complexTypes[shortTypeName(a)])];
  return chain.reverse().flatMap((x) => (x ? x.properties : []));
}

/** Every navigation property (own and inherited) of an entity type. */
export function allNavigationProperties(schema: GraphSchema, typeName: string): SchemaNavigationProperty[] {
  const flat = schema.flattenedDeviceConfigurationTypes[typeName];
  if (flat) return [...flat.navigationProperties];
  const t = schema.entityTypes[typeName];
  if (!t) throw new Error(`unknown schema type ${typeName}`);
  const chain = [t, ...t.ancestors.map((a) => schema.entityTypes[shortTypeName(a)])];
  return chain.reverse().flatMap((x) => (x ? x.navigationProperties : []));
}
