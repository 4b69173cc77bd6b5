// The e-mail baseline policy pack: every rule of pulumi-intune/policy with its default enforcement
// level; change levels and settings per stack with --policy-pack-config (see ../regulated-tenant.json).
import { emailBaselinePack } from "pulumi-intune/policy";

emailBaselinePack("intune-email-baseline");
