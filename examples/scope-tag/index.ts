// A scope tag for the admins who manage e-mail profiles. Its name and description can come from stack
// config: `pulumi config set description "Admins for EMEA and APAC"`, then `pulumi preview`.
import * as pulumi from "@pulumi/pulumi";
import { ScopeTag } from "pulumi-intune";

const config = new pulumi.Config();

const tag = new ScopeTag("mail-admins", {
  displayName: config.get("displayName") ?? "EMEA mail admins",
  description: config.get("description") ?? "Admins who manage e-mail profiles in EMEA",
});

export const scopeTagId = tag.id;
export const scopeTagName = tag.displayName;
