// Which stacks a fleet run covers, in which shard and wave: pure functions, so the same flags on every CI
// runner give the same partition. Stacks are matched against the stacks the backend has for the project
// and the `Pulumi.<stack>.yaml` files beside the program (a new tenant before its first `fleet up`).

/** A flag value we refuse: exit 1 with the usage (cli/main.ts prints it). */
export class FleetUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FleetUsageError";
  }
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** `K/N` with 1 ≤ K ≤ N. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new FleetUsageError(`\`--shard\` must be K/N (this runner's shard K of N, e.g. 2/4); got ${JSON.stringify(text)}`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new FleetUsageError(`\`--shard\` K/N needs 1 ≤ K ≤ N; got ${JSON.stringify(text)}`);
  return { index, count };
}

/** A positive integer flag (`--concurrency`). */
export function parsePositiveInt(flag: string, text: string, max = 64): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > max) throw new FleetUsageError(`\`--${flag}\` must be a whole number from 1 to ${max}; got ${JSON.stringify(text)}`);
  return Number(text);
}

/** `90s`, `10m`, `1h`, `500ms` -> milliseconds. */
export function parseDurationInMs(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new FleetUsageError(`\`--${flag}\` must be a duration like 90s, 10m or 1h; got ${JSON.stringify(text)}`);
  return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"]);
}

const isGlob = (s: string) => /[*?[]/.test(s);

/** A shell-style glob (`*`, `?`, `[abc]`) as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end < 0) throw new FleetUsageError(`\`--stacks\` pattern ${JSON.stringify(glob)} has "[" without "]"`);
      re += `[${glob.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** The stack name without `organization/project/`. */
export const shortStackName = (name: string) => name.split("/").pop() ?? name;

export interface Selection {
  /** Stacks to run, sorted by name. */
  stacks: string[];
  /** Names given literally that neither the backend nor a config file knows: reported as broken. */
  unknown: string[];
}

/**
 * `--stacks a,b,tenant-*`: literal names and globs, matched against `known` (the backend's stacks and the
 * stack config files). A glob that matches nothing is refused (a typo must not make an empty, green run);
 * a literal name that is not known is kept, so the report names it as broken.
 */
export function selectStacks(spec: string, known: readonly string[]): Selection {
  const items = spec.split(",").map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s === "")) throw new FleetUsageError(`\`--stacks\` takes stack names and globs separated by commas; got ${JSON.stringify(spec)}`);
  const names = new Set(known.map(shortStackName));
  const out = new Set<string>();
  const unknown = new Set<string>();
  for (const item of items) {
    if (!isGlob(item)) {
      out.add(item);
      if (!names.has(item)) unknown.add(item);
      continue;
    }
    const re = globToRegExp(item);
    const hits = [...names].filter((n) => re.test(n));
    if (hits.length === 0) throw new FleetUsageError(`\`--stacks\` pattern ${JSON.stringify(item)} matches no stack; the project has ${names.size > 0 ? [...names].sort().join(", ") : "no stacks"}`);
    for (const h of hits) out.add(h);
  }
  const sorted = [...out].sort();
  return { stacks: sorted, unknown: sorted.filter((s) => unknown.has(s)) };
}

/** Shard K of N: every N-th stack of the sorted list, starting at the K-th (balanced, and the same on every runner). */
export function shardStacks(stacks: readonly string[], shard: Shard | undefined): string[] {
  const sorted = [...stacks].sort();
  return shard ? sorted.filter((_, i) => i % shard.count === shard.index - 1) : sorted;
}

/** The stack tag and the config key that name a stack's wave. */
export const WAVE_KEY = "pulumi-intune:wave";

export interface Wave {
  name: string;
  stacks: string[];
}

/**
 * Stacks grouped into `--waves` order. A stack's wave is its `pulumi-intune:wave` stack tag, else its config
 * `pulumi-intune:wave`; a stack with neither goes into the last wave. A wave value that `--waves` does not
 * list is refused, naming the stack: a rollout must not guess where a tenant belongs.
 */
export function planWaves(order: readonly string[], waveOf: ReadonlyMap<string, string | undefined>): Wave[] {
  if (order.length === 0 || order.some((w) => w.trim() === "")) throw new FleetUsageError(`\`--waves\` takes wave names in rollout order, e.g. canary,rest; got ${JSON.stringify(order.join(","))}`);
  const dup = order.find((w, i) => order.indexOf(w) !== i);
  if (dup) throw new FleetUsageError(`\`--waves\` names wave ${JSON.stringify(dup)} twice`);
  const waves = order.map((name) => ({ name, stacks: [] as string[] }));
  for (const [stack, w] of [...waveOf].sort((a, b) => a[0].localeCompare(b[0]))) {
    const wave = w === undefined || w === "" ? waves[waves.length - 1] : waves.find((x) => x.name === w);
    if (!wave) throw new FleetUsageError(`stack \`${stack}\` is in wave ${JSON.stringify(w)} (${WAVE_KEY}), which \`--waves ${order.join(",")}\` does not list`);
    wave.stacks.push(stack);
  }
  return waves;
}

/** Runs `work` over `items` with at most `concurrency` at a time; results in input order. */
export async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

/** One holder at a time: guards what the Automation API shares between workers (`stack select` rewrites the workspace file). */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise((r) => (release = r));
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
