// Starts an in-process emulator for integration tests, with the connection settings as a config map.
import { createServer } from "../../emulator";
import type { EmulatorInfo } from "./emulatorClient";

export interface TestEmulator {
  info: EmulatorInfo;
  /** `intune:*` keys pointing at this emulator. */
  config: Record<string, string>;
  server: ReturnType<typeof createServer>;
  close(): Promise<void>;
}

export async function startTestEmulator(options: Parameters<typeof createServer>[0] = {}): Promise<TestEmulator> {
  const caDir = process.env.PULUMI_INTUNE_TEST_CA_DIR;
  const server = createServer({ ...(caDir ? { caDir } : {}), ...options } as Parameters<typeof createServer>[0]);
  const info = (await server.start()) as EmulatorInfo;
  return {
    info,
    server,
    config: {
      "intune:tenantId": info.tenantId,
      "intune:clientId": info.clientId,
      "intune:clientSecret": info.clientSecret,
      "intune:graphEndpoint": info.graphEndpoint,
      "intune:authorityHost": info.authorityHost,
    },
    close: () => server.close(),
  };
}
