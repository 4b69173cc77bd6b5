// Benchmark: group names and member counts for impact messages, looked up through one $batch (what the
// provider does) vs one GET per question, against the in-process emulator. Prints ratios, not verdicts.
//   npx ts-node --transpile-only bench/groupLookup.ts
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createServer, ensureCertificates, type GroupSeed } from "../emulator";
import { resolveSettings } from "../provider/config";
import { clearGroupCache, lookupGroups } from "../provider/impact/groups";
import { ProviderRun } from "../provider/run";

// Node reads NODE_EXTRA_CA_CERTS at start only: make a CA, then run again with it.
if (!process.env.BENCH_CA_DIR) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-ca-"));
  ensureCertificates(dir);
  const r = spawnSync(process.execPath, process.execArgv.concat(process.argv.slice(1)), {
    stdio: "inherit",
    env: { ...process.env, BENCH_CA_DIR: dir, NODE_EXTRA_CA_CERTS: path.join(dir, "ca.pem") },
  });
  process.exit(r.status ?? 1);
}

async function main(): Promise<void> {
  const groupCount = 12;
  const groups: GroupSeed[] = Array.from({ length: groupCount }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    displayName: `Bench group ${i}`,
    description: "benchmark",
    memberKind: i % 3 === 0 ? "device" : "user",
    memberCount: 10 + i,
  }));
  const server = createServer({ caDir: process.env.BENCH_CA_DIR, groups });
  const info = await server.start();
  const config: Record<string, string> = {
    "intune:tenantId": info.tenantId,
    "intune:clientId": info.clientId,
    "intune:clientSecret": info.clientSecret,
    "intune:graphEndpoint": info.graphEndpoint,
    "intune:authorityHost": info.authorityHost,
  };
  const providerRun = new ProviderRun(resolveSettings((k) => config[k], {}));
  const graph = () => providerRun.graph;
  const ids = groups.map((g) => g.id);
  await graph().get(`/groups/${ids[0]}`); // token and connection warm-up

  const rounds = 5;
  const time = async (run: () => Promise<unknown>) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) await run();
    return Number(process.hrtime.bigint() - t0) / 1e6 / rounds;
  };
  const requestsOf = async (run: () => Promise<unknown>) => {
    const before = server.requests().filter((r) => !r.batchRequestId).length;
    await run();
    return server.requests().filter((r) => !r.batchRequestId).length - before;
  };
  const batched = async () => {
    clearGroupCache(providerRun);
    await lookupGroups(providerRun, ids);
  };
  const oneByOne = async () => {
    for (const id of ids) {
      await graph().get(`/groups/${id}?$select=id,displayName`);
      await graph().getText(`/groups/${id}/transitiveMembers/microsoft.graph.user/$count`, { ConsistencyLevel: "eventual" });
      await graph().getText(`/groups/${id}/transitiveMembers/microsoft.graph.device/$count`, { ConsistencyLevel: "eventual" });
    }
  };
  const cached = async () => {
    await lookupGroups(providerRun, ids);
  };
  const [bMs, sMs] = [await time(batched), await time(oneByOne)];
  await batched();
  const cMs = await time(cached);
  const [bReq, sReq, cReq] = [await requestsOf(batched), await requestsOf(oneByOne), await requestsOf(cached)];
  console.log(`groups looked up: ${groupCount} (3 questions each), ${rounds} rounds, emulator on 127.0.0.1`);
  console.log(`HTTP requests   batched ${bReq}, one by one ${sReq}, cached ${cReq}  -> ${(sReq / bReq).toFixed(1)}x fewer with $batch`);
  console.log(`time per lookup batched ${bMs.toFixed(1)} ms, one by one ${sMs.toFixed(1)} ms, cached ${cMs.toFixed(2)} ms  -> one by one / batched = ${(sMs / bMs).toFixed(2)}`);
  console.log("(Against Intune, each request also costs a network round trip and counts against the 1000/20 s budget.)");
  await server.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
