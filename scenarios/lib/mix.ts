/**
 * Choosing what a user does next: a journey or an endpoint by weight, and, when an endpoint
 * needs a value this user has not captured yet (an id from a list), the endpoint that
 * captures it instead, as a real user opens the list before an item. Pure (no k6 imports),
 * so the tests drive it with a seeded random.
 */
import type { ResolvedEndpoint } from '../../harness/target/types.ts';

/** One element drawn by weight (elements of weight 0 never); undefined when all weigh 0. */
export function pickByWeight<T>(list: readonly T[], weightOf: (x: T) => number, random: () => number = Math.random): T | undefined {
  let total = 0;
  for (const x of list) total += Math.max(0, weightOf(x));
  if (!(total > 0)) return undefined;
  let r = random() * total;
  for (const x of list) {
    const w = Math.max(0, weightOf(x));
    if (w === 0) continue;
    r -= w;
    if (r < 0) return x;
  }
  return [...list].reverse().find((x) => weightOf(x) > 0);
}

/** The placeholders `ep` needs that `vars` has no value for. */
export function lacking(ep: ResolvedEndpoint, vars: Record<string, unknown>): string[] {
  return ep.needs.filter((n) => vars[n] === undefined);
}

/** How many endpoints deep to look for one that captures what is missing (an id needing a list needing a category...). */
const MAX_HOPS = 5;

/**
 * `ep` when `vars` fills everything it needs; else an endpoint capturing a missing value
 * (preferring the arrival mix, weight > 0, by weight; else any, evenly), recursively; else
 * undefined when nothing reachable captures it.
 */
export function replacementFor(ep: ResolvedEndpoint, vars: Record<string, unknown>, all: readonly ResolvedEndpoint[], random: () => number = Math.random): ResolvedEndpoint | undefined {
  let current = ep;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    const missing = lacking(current, vars);
    if (missing.length === 0) return current;
    const from = current;
    const capturing = all.filter((e) => e !== from && Object.keys(e.capture).some((c) => missing.includes(c)));
    const inMix = capturing.filter((e) => e.weight > 0);
    const next = inMix.length ? pickByWeight(inMix, (e) => e.weight, random) : pickByWeight(capturing, () => 1, random);
    if (!next) return undefined;
    current = next;
  }
  return undefined;
}
