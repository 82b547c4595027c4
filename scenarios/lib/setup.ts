/**
 * What every shape's `setup()` does first: make sure the target is up, the keys work and the
 * metrics the budgets read exist, and stop the whole test (exit 108) with one clear message
 * when they do not. Hammering a dead target for minutes only to report 100 % failures helps
 * nobody, and a budget on a metric the service does not expose would pass without judging.
 *
 * `setup()` returns nothing: older k6 releases lose the data an async `setup()` returns, and
 * what the VUs need (URL, keys) comes from `__ENV` and the embedded target anyway.
 */
import exec from 'k6/execution';
import http from 'k6/http';
import { expectationProblems } from '../../harness/target/expectations.ts';
import { nameTag } from '../../harness/target/placeholders.ts';
import { parsePrometheusText, sumMatching } from './prometheus.ts';
import { authHeaders, BASE_URL, KEYS, TARGET, TOKEN, urlOf } from './target.ts';
import { headerOf, urlFor, type Response } from './request.ts';
import { scrape, SOURCES } from './resources.ts';

const SETUP = { slo: 'setup' };
/** A few keys at a time: hundreds checked at once would be a load test of its own. */
const KEY_CHECK_BATCH = 20;

function abort(message: string): never {
  exec.test.abort(message);
  // abort() interrupts the test; this only satisfies the type checker.
  throw new Error(message);
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}

const why = (res: Response) => (res.status === 0 ? `could not connect (${res.error || 'no response'})` : `answered HTTP ${res.status}`);

/** The target's name and address, as the messages show them. */
const WHO = `The target "${TARGET.name}" at ${BASE_URL}`;

async function requireLive(): Promise<void> {
  const p = TARGET.health.liveness;
  const res = await http.asyncRequest('GET', urlOf(p.path), null, {
    headers: p.auth ? authHeaders(TOKEN) : {},
    tags: { name: `setup: ${nameTag('GET', p.path)}`, ...SETUP },
    timeout: '10s',
  }) as Response;
  const problems = res.status === 0 ? [why(res)] : expectationProblems(p.expect, { status: res.status, contentType: headerOf(res, 'content-type'), body: String(res.body ?? '') });
  if (problems.length) {
    abort(`${WHO} is not up: GET ${p.path} ${res.status === 0 ? why(res) : problems.join('; ')}. Start it, or point BASE_URL (--target URL, or -e BASE_URL=... with k6) at a running deployment.`);
  }
}

/** Does any request of the run send credentials? */
const USES_AUTH = TARGET.auth.type !== 'none' && (TARGET.endpoints.some((e) => e.auth) || TARGET.health.liveness.auth
  || Boolean(TARGET.health.readiness?.auth) || SOURCES.some((s) => s.auth));

/** A request that proves a key works: a GET (or HEAD) endpoint that sends auth and needs no captured value. */
const KEY_PROBE = TARGET.endpoints.find((e) => e.auth && (e.method === 'GET' || e.method === 'HEAD') && e.needs.length === 0);

function requireToken(): void {
  const auth = TARGET.auth;
  if (auth.type === 'none' || !USES_AUTH || KEYS.length > 0) return;
  const pool = auth.poolEnv ? ` (and -e ${auth.poolEnv}=k1,k2,... to spread the load over many users, if the service limits per key)` : '';
  abort(`No token for the target "${TARGET.name}": set ${auth.tokenEnv} (-e ${auth.tokenEnv}=<token> with k6)${pool}.`);
}

async function requireKeys(every: boolean): Promise<void> {
  const auth = TARGET.auth;
  if (auth.type === 'none' || !USES_AUTH || !KEY_PROBE) return;
  const names = auth.poolEnv ? `${auth.tokenEnv}/${auth.poolEnv}` : auth.tokenEnv;
  const toCheck = every ? KEYS : [TOKEN];
  const answers: Response[] = [];
  for (let i = 0; i < toCheck.length; i += KEY_CHECK_BATCH) {
    answers.push(...await Promise.all(toCheck.slice(i, i + KEY_CHECK_BATCH).map((key) =>
      http.asyncRequest(KEY_PROBE.method, urlFor(KEY_PROBE, {}), null, {
        headers: { ...KEY_PROBE.headers, ...authHeaders(key) },
        tags: { name: `setup: ${KEY_PROBE.name}`, ...SETUP },
        timeout: '10s',
        // A refused key is an answer here, not a failed request.
        responseCallback: http.expectedStatuses({ min: 200, max: 399 }, 401, 403, 429),
      }) as Promise<Response>)));
  }
  answers.forEach((r, i) => {
    if (r.status === 401 || r.status === 403) {
      abort(`The ${ordinal(i + 1)} key in ${names} is not accepted by ${BASE_URL} (${KEY_PROBE.name} answered HTTP ${r.status}). Give keys the target accepts.`);
    }
    if (r.status === 0 || r.status >= 500) {
      abort(`${WHO} is up but ${KEY_PROBE.name} ${why(r)}${r.error && r.status ? ` (${r.error})` : ''}: it cannot serve load. Check its logs.`);
    }
  });
}

async function requireMetrics(): Promise<void> {
  for (const src of SOURCES) {
    const res = await scrape(src, { name: `setup: scrape ${src.path}`, ...SETUP });
    if (res.status !== 200) abort(`${WHO} does not serve its metrics: GET ${src.url} ${why(res)}. Fix resources.metricsPath (or the timing's metricsPath), or the service's metrics endpoint.`);
    const samples = parsePrometheusText(String(res.body ?? ''));
    const known = [...new Set(samples.map((s) => s.name))];
    const near = (name: string) => known.filter((n) => n.includes(name.split('_')[0]!)).slice(0, 5).join(', ');
    for (const { budget } of src.budgets) {
      if (sumMatching(samples, budget.metric, budget.labels) === undefined) {
        abort(`resources.budgets["${budget.label}"]: ${src.url} has no series ${budget.metric}${Object.keys(budget.labels ?? {}).length ? ` with ${JSON.stringify(budget.labels)}` : ''}, so the budget could not be judged. Check the metric name${near(budget.metric) ? ` (it exposes ${near(budget.metric)})` : ''}.`);
      }
    }
    for (const { timing } of src.histograms) {
      if (!samples.some((s) => s.name === `${timing.histogram}_bucket`)) {
        abort(`serviceTimings["${timing.label}"]: ${src.url} has no histogram ${timing.histogram} (no ${timing.histogram}_bucket series), so it could not be judged. Check the name${near(timing.histogram) ? ` (it exposes ${near(timing.histogram)})` : ''}.`);
      }
    }
  }
}

/** Aborts the test (exit 108) with a message naming what is wrong and how to fix it. */
export async function requireTargetUp(o: { checkEveryKey?: boolean } = {}): Promise<void> {
  // A liveness probe that needs the token cannot say "up" without one: ask for the token first.
  if (TARGET.health.liveness.auth) requireToken();
  await requireLive();
  requireToken();
  await requireKeys(o.checkEveryKey ?? true);
  await requireMetrics();
}
