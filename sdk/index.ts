export { ScopeTag, type ScopeTagArgs } from "./scopeTag";
