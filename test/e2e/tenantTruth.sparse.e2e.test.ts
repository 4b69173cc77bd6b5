// Tenant truth (see tenantTruthSuite.ts) under the "sparse" dialect.
import { tenantTruthSuite } from "./tenantTruthSuite";

tenantTruthSuite("sparse");
