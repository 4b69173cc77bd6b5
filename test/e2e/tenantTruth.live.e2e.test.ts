// Tenant truth (see tenantTruthSuite.ts) under the "live" dialect.
import { tenantTruthSuite } from "./tenantTruthSuite";

tenantTruthSuite("live");
