// The demo stack: what a platform team declares for Intune e-mail. `npm run demo` runs it against the
// local emulator; point the intune:* config at a real tenant to run it for real.
import { ScopeTag } from "../index";

const mailAdmins = new ScopeTag("mail-admins", {
  displayName: "EMEA mail admins",
  description: "Admins who manage e-mail profiles in EMEA",
});

export const mailAdminsScopeTagId = mailAdmins.id;
