// examples/secure-email (see secureEmailSuite.ts) under the "schema" dialect.
import { secureEmailSuite } from "./secureEmailSuite";

secureEmailSuite("schema");
