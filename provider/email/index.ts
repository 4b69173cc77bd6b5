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
export { normaliseProperties, normaliseSettings, propertiesFromGraph, propertiesToGraph, sameSetting, settingsFromGraph, settingsToGraph } from "./wire";
export {
  baselineOf,
  type DeclaredProfile,
  type ManagedKind,
  type ManagedModel,
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
