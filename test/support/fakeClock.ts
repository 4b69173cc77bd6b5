// A clock whose sleeps advance virtual time at once and are recorded: exact delays without waiting.
import type { Clock } from "../../provider/limiter";

export function fakeClock(start = 0): Clock & { t: number; sleeps: number[] } {
  const c = {
    t: start,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}
