export { EmailProfile, type EmailProfileArgs, type EmailPlatform } from "./emailProfile";
export type * from "./emailProfileSettings";
export { ProfileAssignment, type ProfileAssignmentArgs, type ProfileAssignmentTarget } from "./profileAssignment";
export { ScopeTag, type ScopeTagArgs } from "./scopeTag";
export { lookupGroupByName, lookupScopeTagByName, type LookupByNameOptions } from "./lookup";
