// Child process of bench/scale.ts (it needs NODE_EXTRA_CA_CERTS for the emulator's CA, which Node reads
// only at start): creates one scope tag, one profile per platform and one assignment through our own
// provider handlers against the emulator and prints their outputs as JSON. The no-op provider of the
// benchmark answers with these outputs, so its state has our state's shape and size per resource.
//   ts-node --transpile-only bench/noopTemplates.ts '<json: { config, tag, profiles, assignment }>'
import { resolveSettings } from "../provider/config";
import { handler } from "../provider/dispatch";
import { ProviderRun } from "../provider/run";

type Props = Record<string, unknown>;
interface Request {
  config: Record<string, string>;
  tag: Props;
  profiles: Record<string, Props>;
  assignment: Props;
}

async function created(run: ProviderRun, kind: "ScopeTag" | "EmailProfile" | "ProfileAssignment", news: Props): Promise<{ id: string; outs: Props }> {
  const h = handler(kind, run);
  const checked = await h.check({}, news);
  if (checked.failures?.length) throw new Error(JSON.stringify(checked.failures));
  const r = await h.create(checked.inputs!);
  return { id: r.id, outs: r.outs ?? {} };
}

async function main(): Promise<void> {
  const req = JSON.parse(process.argv[2]) as Request;
  const run = new ProviderRun(resolveSettings((k) => req.config[k], {}));
  const tag = await created(run, "ScopeTag", req.tag);
  const profiles: Record<string, Props> = {};
  let anyProfileId = "";
  for (const [platform, args] of Object.entries(req.profiles)) {
    const p = await created(run, "EmailProfile", { ...args, scopeTagIds: [tag.id] });
    profiles[platform] = p.outs;
    anyProfileId = p.id;
  }
  const assignment = await created(run, "ProfileAssignment", { ...req.assignment, profileId: anyProfileId });
  process.stdout.write(JSON.stringify({ ScopeTag: tag.outs, EmailProfile: profiles, ProfileAssignment: assignment.outs }));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
