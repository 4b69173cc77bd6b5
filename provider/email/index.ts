export { certificateInputs, checkEmailProfileInputs, emailProfileInputKeys, emailProfileReplaceKeys, normaliseScopeTagIds } from "./inputs";
export {
  type CertificateInput,
  type CertificateRef,
  type EmailPlatform,
  emailPlatformNames,
  emailPlatforms,
  platformForOdataType,
  type PlatformInfo,
} from "./platforms";
export { enumMembers, isDnsHostName, isRequiredSetting, settingKeys, settingProperties, settingsSchema } from "./settings";
export { normaliseSettings, sameSetting, settingsFromGraph, settingsToGraph } from "./wire";
export {
  baselineOf,
  type DeclaredProfile,
  declaredOf,
  inputsAsObserved,
  type ObservedProfile,
  observeProfile,
  planIsEmpty,
  planProfile,
  type ProfileBaseline,
  type ProfilePlan,
  storedAfterWrite,
  storedViews,
} from "./managed";
