// Group names and member counts for impact messages: fetched through $batch, cached for the run.
import type { ImpactRun } from "./state";
import type { GroupInfo } from "./facts";

/** Forgets what this run fetched (tests, benchmarks). */
export function clearGroupCache(run: ImpactRun): void {
  run.impact.groups.clear();
}

function count(body: unknown): number {
  const n = typeof body === "number" ? body : parseInt(String(body), 10);
  return Number.isFinite(n) ? n : 0;
}

/**
 * Looks up groups by id; unknown ids come back with their id as name and zero members. Impact work
 * runs side by side (a hundred assignments to one group, say), so lookups in flight are shared too.
 */
export async function lookupGroups(run: ImpactRun, ids: readonly string[]): Promise<Map<string, GroupInfo>> {
  const cache = run.impact.groups;
  const wanted = [...new Set(ids.map((i) => i.toLowerCase()))].filter((id) => !cache.has(id));
  if (wanted.length > 0) {
    const eventual = { ConsistencyLevel: "eventual" };
    const requests = wanted.flatMap((id, i) => [
      { id: `g${i}`, path: `/groups/${id}?$select=id,displayName` },
      { id: `u${i}`, path: `/groups/${id}/transitiveMembers/microsoft.graph.user/$count`, headers: eventual },
      { id: `d${i}`, path: `/groups/${id}/transitiveMembers/microsoft.graph.device/$count`, headers: eventual },
    ]);
    const fetched = run.graph.readCoalesced(requests);
    wanted.forEach((id, i) => {
      const info = fetched.then((results): GroupInfo => {
        const g = results.get(`g${i}`);
        const users = results.get(`u${i}`)?.status === 200 ? count(results.get(`u${i}`)!.body) : 0;
        const devices = results.get(`d${i}`)?.status === 200 ? count(results.get(`d${i}`)!.body) : 0;
        const name = g?.status === 200 ? String((g.body as { displayName?: string }).displayName ?? id) : `${id} (not found)`;
        return { id, displayName: name, memberCount: users + devices, userCount: users, deviceCount: devices, isDeviceGroup: devices > 0 && users === 0 };
      });
      // A failed fetch is not remembered: the next caller asks again.
      info.catch(() => cache.delete(id));
      cache.set(id, info);
    });
  }
  const infos = await Promise.all(ids.map((id) => cache.get(id.toLowerCase())!));
  return new Map(ids.map((id, i) => [id, infos[i]]));
}
