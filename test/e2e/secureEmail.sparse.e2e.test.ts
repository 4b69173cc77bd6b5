// examples/secure-email (see secureEmailSuite.ts) under the "sparse" dialect.
import { secureEmailSuite } from "./secureEmailSuite";

secureEmailSuite("sparse");
