/*
 * generation-100-concurrent — La Factoria's own script: a hundred educators generating
 * material at the same time.
 *
 * Shape: constant-vus (closed model) at 100 users, each generating a piece of content, reading
 * the quality scores that came back, pausing as a person reviewing it would, and going again.
 * Generation is the expensive path (model call behind retries and a circuit breaker, quality
 * scoring, a database write), so it gets its own test and its own 30 s p95 budget; the rest of
 * the API must stay fast while it runs, which is why a few users keep browsing meanwhile.
 *
 * Profiles: test 3 users for 4 s · ci 100 users for 90 s · full 100 users for 10 min · soak
 * 100 users for 1 h. Keys: one per user if you can (generations are limited to 100/h per key).
 */
import type { Options } from 'k6/options';
import { educatorBrowses, generateContent } from './lib/journeys.ts';
import { think } from '../lib/pause.ts';
import { byProfile } from '../lib/profile.ts';
import { requireTargetUp } from './lib/setup.ts';
import { API_DURATION, apiLatency, failedRequests, GENERATION_DURATION, generationLatency, passingChecks, SLO, SUMMARY_TREND_STATS } from './lib/slo.ts';
import { userKey } from './lib/target.ts';

const GENERATORS = byProfile({ test: 3, ci: 100, full: 100, soak: 100 });
const DURATION = byProfile({ test: '4s', ci: '90s', full: '10m', soak: '1h' });

export const options: Options = {
  summaryTrendStats: SUMMARY_TREND_STATS,
  scenarios: {
    generators: { executor: 'constant-vus', vus: GENERATORS, duration: DURATION, exec: 'generator', gracefulStop: '30s' },
    browsers: { executor: 'constant-vus', vus: Math.max(1, Math.round(GENERATORS / 10)), duration: DURATION, exec: 'browser', gracefulStop: '10s' },
  },
  thresholds: {
    // Educators wait for generation, but 95 % of them no longer than the budget.
    [GENERATION_DURATION]: generationLatency(),
    // Generation load must not slow down everyone else's reads.
    [API_DURATION]: apiLatency(),
    // Under 1 % failures: provider errors, breaker rejections and 429s all count.
    http_req_failed: failedRequests(),
    // Responses are right, not only fast.
    checks: passingChecks(),
    // Almost all generated material meets the quality bar (overall 0.70, educational 0.75, factual 0.85).
    content_quality_passed: [`rate>${SLO.checksRate}`],
  },
};

export async function setup(): Promise<void> {
  await requireTargetUp({ needsKey: true, checkEveryKey: true });
}

/** One educator: generate, review the result, go again. */
export async function generator(): Promise<void> {
  await generateContent(userKey());
  await think(5, 15);
}

/** Someone else using the library meanwhile. */
export async function browser(): Promise<void> {
  await educatorBrowses(userKey());
}

export default generator;
