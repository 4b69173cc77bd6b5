// What the service fills in for a property the client did not send. The emulator answers with these,
// and the provider's diff normalises desired values with the same rules, so `up` then `preview` is empty.
import { GraphSchema, SchemaProperty, shortTypeName } from "./index";

/** The value Intune reports for `prop` when a create did not set it. */
export function serverDefault(schema: GraphSchema, prop: SchemaProperty): unknown {
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
  if (e) {
    if (e.isFlags) return e.members.find((m) => m.value === 0)?.name ?? e.members[0].name;
    // Non-nullable enums come back as their first declared member.
    return e.members[0].name;
  }
  return null;
}
