// examples/secure-email (see secureEmailSuite.ts) under the "live" dialect.
import { secureEmailSuite } from "./secureEmailSuite";

secureEmailSuite("live");
