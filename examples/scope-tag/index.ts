// A scope tag for the admins who manage e-mail profiles. The values that tests change live in
// values.json, so a change shows up as a change of this resource alone (stack config would also
// touch the default provider).
import * as fs from "fs";
import * as path from "path";
import { ScopeTag } from "pulumi-intune";

const valuesFile = path.join(__dirname, "values.json");
const values: { displayName?: string; description?: string } = fs.existsSync(valuesFile)
  ? JSON.parse(fs.readFileSync(valuesFile, "utf8"))
  : {};

const tag = new ScopeTag("mail-admins", {
  displayName: values.displayName ?? "EMEA mail admins",
  description: values.description ?? "Admins who manage e-mail profiles in EMEA",
});

export const scopeTagId = tag.id;
export const scopeTagName = tag.displayName;
