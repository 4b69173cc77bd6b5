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
export { defaultSetting, enumMembers, isDnsHostName, isRequiredSetting, settingKeys, settingProperties, settingsSchema } from "./settings";
export { changedSettings, normaliseSettings, settingsFromGraph, settingsToGraph } from "./wire";
