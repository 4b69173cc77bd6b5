// Tenant truth (see tenantTruthSuite.ts) under the "schema" dialect.
import { tenantTruthSuite } from "./tenantTruthSuite";

tenantTruthSuite("schema");
