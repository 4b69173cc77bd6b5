import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { engineLog } from "../../../provider/engineLog";
import { providerModuleText } from "../../../sdk/provider";

// Evaluated the way Pulumi's Node dynamic-provider host does it (require-from-string, then handler()).
const requireFromString: (code: string) => { handler(): Record<string, (...args: unknown[]) => Promise<any>> } = require("require-from-string");

describe("unit: the hand-written provider module of our resources", () => {
  const cwd = process.cwd();
  let project: string;
  // A program directory whose node_modules has the package, as users have it, except that the module the
  // provider module loads by name forwards to the sources: a unit test must not run a stale dist/.
  before(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "provider-module-"));
    const pkg = path.join(project, "node_modules", "pulumi-intune");
    fs.mkdirSync(path.join(pkg, "dist", "provider"), { recursive: true });
    fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "pulumi-intune", main: "dist/index.js" }));
    const source = path.join(__dirname, "..", "..", "..", "provider", "dispatch.ts");
    fs.writeFileSync(path.join(pkg, "dist", "provider", "dispatch.js"), `module.exports = require(${JSON.stringify(source)});\n`);
    process.chdir(project);
  });
  after(() => {
    process.chdir(cwd);
    fs.rmSync(project, { recursive: true, force: true });
  });

  it("has every method the host calls, and forwards to the installed provider of its kind", async () => {
    const provider = requireFromString(providerModuleText("EmailProfile")).handler();
    assert.deepStrictEqual(Object.keys(provider).sort(), ["check", "configure", "create", "delete", "diff", "read", "update"]);
    const checked = await provider.check({}, { displayName: "Win", platform: "windows10", settings: { hostName: "a b" } });
    assert.match(JSON.stringify(checked.failures), /`settings.hostName` must be a DNS host name/);
    const tag = await requireFromString(providerModuleText("ScopeTag")).handler().check({}, { displayName: "" });
    assert.match(JSON.stringify(tag.failures), /displayName/);
  });

  describe("the engine's address: read from the host's command line here, and only here", () => {
    // A stand-in for the engine's Log service, on the gRPC stack the provider uses (@pulumi/pulumi's own).
    const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
    const services = require("@pulumi/pulumi/proto/engine_grpc_pb");
    const received: { severity: number; message: string; urn: string }[] = [];
    let server: any;
    let address: string;
    const argv = process.argv;

    /** Configures the provider module of a kind as the host does, in a host started with `args`. */
    async function configureInHost(args: string[]): Promise<void> {
      process.argv = ["node", "dynamic-provider", ...args];
      try {
        await requireFromString(providerModuleText("ScopeTag")).handler().configure({ config: { get: () => undefined } });
      } finally {
        process.argv = argv;
      }
    }

    before(async () => {
      server = new grpc.Server();
      const empty = require("google-protobuf/google/protobuf/empty_pb");
      server.addService(services.EngineService, {
        log(call: any, callback: any) {
          received.push({ severity: call.request.getSeverity(), message: call.request.getMessage(), urn: call.request.getUrn() });
          callback(null, new empty.Empty());
        },
      });
      const port: number = await new Promise((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e: Error | null, p: number) => (e ? reject(e) : resolve(p))),
      );
      address = `127.0.0.1:${port}`;
    });
    after(async () => {
      // A host without an engine: the process's engine connection is dropped for the files after this one.
      await configureInHost(["--timeout", "60000"]);
      server.forceShutdown();
    });

    it("reaches the engine's Log service, as a warning on the resource, when the host was started with it", async () => {
      // GIVEN a provider host started as Pulumi starts it: the engine's address last
      await configureInHost([address]);
      // WHEN the provider warns
      await engineLog("warning", "who receives this profile", "urn:pulumi:dev::p::t::ios-mail");
      // THEN the engine got it, with severity and URN
      const pb = require("@pulumi/pulumi/proto/engine_pb");
      assert.deepStrictEqual(received, [{ severity: pb.LogSeverity.WARNING, message: "who receives this profile", urn: "urn:pulumi:dev::p::t::ios-mail" }]);
    });

    it("writes to stderr, and nothing to the engine, in a process started without it", async () => {
      received.length = 0;
      await configureInHost(["--timeout", "60000"]);
      const write = process.stderr.write;
      const stderr: string[] = [];
      process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
      try {
        await engineLog("warning", "no engine here");
      } finally {
        process.stderr.write = write;
      }
      assert.deepStrictEqual(stderr, ["warning: no engine here\n"]);
      assert.deepStrictEqual(received, []);
    });
  });

  it("stays small: it is stored twice per resource and rewritten with every checkpoint", () => {
    for (const kind of ["EmailProfile", "ScopeTag", "ProfileAssignment", "DeclaredResources"] as const) {
      assert.ok(providerModuleText(kind).length < 400, `${kind}: ${providerModuleText(kind).length} bytes`);
    }
  });
});
