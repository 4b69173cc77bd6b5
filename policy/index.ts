// pulumi-intune/policy: the e-mail baseline as a CrossGuard policy pack (@pulumi/policy, an optional
// peer dependency: only policy packs load this module). See docs/policy.md.
export { emailBaselinePack, emailBaselinePolicies, stackModel, type EmailBaselinePackOptions } from "./pack";
export { PROFILE_RULES, type ProfileRule, type RuleConfig, type Finding, type BaselineSource, violationMessage, hostAllowed } from "./rules";
export { STACK_RULES, type StackRule, type StackModel, type StackViolation } from "./stack";
