/**
 * What the target's users do, as its config describes it. With journeys, each user
 * iteration is one journey drawn by weight, its steps in order: `chance` steps taken with
 * that probability, `{think}` steps as pauses, and the target's default think time between
 * requests that have no pause written between them; a step needing a value the journey has
 * not captured is skipped. Without journeys, an iteration is one endpoint drawn by weight
 * and a pause. Arrivals (open model) are one request each, no pauses.
 */
import type { ResolvedEndpoint, ResolvedJourney } from '../../harness/target/types.ts';
import { lacking, pickByWeight, replacementFor } from './mix.ts';
import { think } from './pause.ts';
import { callEndpoint, type TagsAt, type Vars } from './request.ts';
import { ENDPOINTS, TARGET } from './target.ts';

/** The endpoints arrivals draw from (weight 0 means journeys only). */
const IN_MIX = TARGET.endpoints.filter((e) => e.weight > 0);

/** Values each VU captured, kept across its iterations (keyed by VU: the Node engine shares this module between VUs). */
const capturedByVu = new Map<number, Vars>();
function vuVars(): Vars {
  let v = capturedByVu.get(__VU);
  if (!v) capturedByVu.set(__VU, (v = {}));
  return v;
}

/** The target's pause between two requests: `sizing.thinkTimeSeconds`, scaled by the profile. */
function defaultThink(): Promise<void> {
  const [min, max] = TARGET.sizing.thinkTimeSeconds;
  return think(min, max);
}

interface WalkOptions {
  tags?: TagsAt;
  /**
   * As a user (default): chances drawn, pauses taken. The smoke walk sets false: every step
   * once, no pauses, and a skipped step is reported.
   */
  asUser?: boolean;
}

/** Walks one journey as the user holding `key`, capturing into `vars`. */
async function walkJourney(j: ResolvedJourney, key: string, vars: Vars, o: WalkOptions = {}): Promise<void> {
  const asUser = o.asUser ?? true;
  let pauseOwed = false;
  for (const step of j.steps) {
    if ('think' in step) {
      if (asUser) await think(step.think[0], step.think[1]);
      pauseOwed = false;
      continue;
    }
    if (asUser && step.chance < 1 && Math.random() >= step.chance) continue;
    const ep = ENDPOINTS[step.endpoint]!;
    const missing = lacking(ep, vars);
    if (missing.length) {
      if (!asUser) console.warn(`journey ${j.name}: skipped ${ep.key} (${ep.name}), which needs {${missing.join('}, {')}} that no earlier step captured`);
      continue;
    }
    if (asUser && pauseOwed) await defaultThink();
    await callEndpoint(ep, vars, key, o.tags);
    pauseOwed = true;
  }
  if (asUser && pauseOwed) await defaultThink();
}

/** One user iteration: a journey by weight with fresh captures, or (without journeys) one endpoint and a pause. */
export async function userIteration(key: string, tags: TagsAt = {}): Promise<void> {
  const journey = pickByWeight(TARGET.journeys, (j) => j.weight);
  if (journey) {
    await walkJourney(journey, key, {}, { tags });
    return;
  }
  await oneRequest(key, tags);
  await defaultThink();
}

/** One arrival: one endpoint by weight, or the one that captures what it needs first. */
export async function oneRequest(key: string, tags: TagsAt = {}): Promise<void> {
  const vars = vuVars();
  const drawn = pickByWeight(IN_MIX, (e) => e.weight);
  const ep: ResolvedEndpoint | undefined = drawn && replacementFor(drawn, vars, TARGET.endpoints);
  if (ep) await callEndpoint(ep, vars, key, tags);
}

/** The smoke walk: each journey once (each endpoint once when there are none), captures carried along. */
export async function walkEverything(key: string): Promise<void> {
  const vars: Vars = {};
  if (TARGET.journeys.length) {
    for (const j of TARGET.journeys) await walkJourney(j, key, vars, { asUser: false });
    return;
  }
  for (const ep of TARGET.endpoints) {
    const missing = lacking(ep, vars);
    if (missing.length) {
      console.warn(`skipped ${ep.key} (${ep.name}), which needs {${missing.join('}, {')}} that no endpoint before it captured`);
      continue;
    }
    await callEndpoint(ep, vars, key);
  }
}

/** The arrival shapes draw endpoints by weight: refuse at init, with the fix, rather than run a test that makes no requests. */
export function requireArrivalMix(shape: string): void {
  if (IN_MIX.length === 0) {
    throw new Error(`The ${shape} shape draws requests from the endpoints by weight, but ${TARGET.endpoints.length ? `every endpoint of the target "${TARGET.name}" has weight 0 (journeys only)` : `the target "${TARGET.name}" has no endpoints`}. Give at least one endpoint a weight > 0${TARGET.journeys.length ? ', or run the users shape' : ''}.`);
  }
}

/** The user shapes need journeys or endpoints to walk. */
export function requireUserMix(shape: string): void {
  if (TARGET.journeys.length === 0 && IN_MIX.length === 0) {
    throw new Error(`The ${shape} shape has nothing for its users to do: the target "${TARGET.name}" has no journeys and no endpoint with a weight > 0. Describe its requests under endpoints (and journeys).`);
  }
}
