// The portal-made tenant lives with the emulator (its bin seeds it with --portal-tenant).
export { FILTERS, type PortalTenant, seedPortalTenant } from "../../emulator/portalTenant";
