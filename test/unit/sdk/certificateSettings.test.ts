// The SDK's typed certificate settings (sdk/certificateSettings.ts) have exactly the keys of the
// schema extract's SCEP and PKCS types: read with the TypeScript compiler, compared with the schema.
import { strict as assert } from "assert";
import * as path from "path";
import * as ts from "typescript";
import { certificateKindNames, certificatePlatformNames, certificatePlatforms } from "../../../provider/certificates";

describe("sdk: typed certificate profile settings", () => {
  it("every platform and kind has exactly the schema's settings", () => {
    const file = path.join(__dirname, "..", "..", "..", "sdk", "certificateSettings.ts");
    const program = ts.createProgram([file], { strict: true, skipLibCheck: true, noEmit: true });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(file)!;
    const decl = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === "CertificateProfileSettings")!;
    const byPlatform = checker.getTypeAtLocation(decl);
    for (const platform of certificatePlatformNames) {
      const p = checker.getTypeOfSymbolAtLocation(byPlatform.getProperty(platform)!, decl);
      for (const kind of certificateKindNames) {
        const settings = checker.getTypeOfSymbolAtLocation(p.getProperty(kind)!, decl);
        const sdkKeys = settings.getProperties().map((s) => s.name).sort();
        const schemaKeys = [...certificatePlatforms[platform].profiles[kind].model.settingKeys].sort();
        assert.deepEqual(sdkKeys, schemaKeys, `${platform} ${kind}`);
      }
    }
  });
});
