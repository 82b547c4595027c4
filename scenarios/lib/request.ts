/**
 * One request to a described endpoint, the way every shape makes it: URL from BASE_URL, the
 * path and query with `{placeholders}` filled (URL-encoded) from what earlier answers
 * captured, the JSON body filled too, the target's auth header, and two tags: `name` (the
 * endpoint's "METHOD /path/:param", so results group by endpoint) and `slo` (its group, so
 * thresholds hold each group to its own limits). The answer is judged with the same
 * `expectationProblems` the smoke suites use, as one k6 check per endpoint.
 */
import { check } from 'k6';
import http, { type Params, type RefinedResponse } from 'k6/http';
import { Trend } from 'k6/metrics';
import { expectationProblems } from '../../harness/target/expectations.ts';
import { captureAt } from '../../harness/target/json-path.ts';
import { fillJson, fillString } from '../../harness/target/placeholders.ts';
import type { ResolvedEndpoint, ResolvedExpectation } from '../../harness/target/types.ts';
import { serverTimingDuration } from './server-timing.ts';
import { authHeaders, BASE_URL, TARGET } from './target.ts';

export type Vars = Record<string, unknown>;
export type Tags = Record<string, string>;
/** Tags for a request, or a function giving them when it is sent (a phase read from the clock, per request). */
export type TagsAt = Tags | (() => Tags);
export type Response = RefinedResponse<'text'>;

/** A response header by name, whatever case the runtime gives it. */
export function headerOf(res: Response, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const k in res.headers) if (k.toLowerCase() === lower) return res.headers[k];
  return undefined;
}

/** The check that judges an endpoint's answers: its key and its name tag, so a failing one says which. */
function checkName(ep: ResolvedEndpoint): string {
  return `${ep.key} (${ep.name})`;
}

/** VUs that print why a check failed: a few, once per check each, so a broken endpoint is explained without flooding the log. */
const EXPLAINING_VUS = 3;
const explained = new Set<string>();

/** Judges `res` by `exp` as the check `label`; prints the first problems a few times. True when right. */
export function judge(label: string, exp: ResolvedExpectation, res: Response, tags: Tags = {}): boolean {
  const problems = expectationProblems(exp, { status: res.status, contentType: headerOf(res, 'content-type'), body: String(res.body ?? '') });
  const ok = problems.length === 0;
  check(res, { [label]: () => ok }, tags);
  const seen = `${__VU}:${label}`;
  if (!ok && __VU <= EXPLAINING_VUS && !explained.has(seen)) {
    explained.add(seen);
    console.warn(`${label}: ${problems.join('; ')}${res.error ? ` (${res.error})` : ''}`);
  }
  return ok;
}

/** The request URL: BASE_URL, the path and the query with placeholders filled and URL-encoded. */
export function urlFor(ep: ResolvedEndpoint, vars: Vars): string {
  const path = fillString(ep.path, vars, true);
  const query = Object.entries(ep.query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(fillString(v, vars))}`).join('&');
  return `${BASE_URL}${path}${query ? `${path.includes('?') ? '&' : '?'}${query}` : ''}`;
}

/** Per endpoint with declared statuses, built in the init context: k6 counts those as expected, not as failed requests. */
const EXPECTED = new Map(TARGET.endpoints.filter((e) => e.expect.status.length).map((e) => [e.key, http.expectedStatuses(...e.expect.status)]));

/** The Server-Timing entries the target asks to judge, each with its trend (metrics must exist at init). */
const SERVER_TIMINGS = TARGET.serviceTimings.flatMap((t) => (t.kind === 'server-timing'
  ? [{ entry: t.entry, endpoints: t.endpoints, trend: new Trend(t.k6Metric, true) }]
  : []));

function recordServerTimings(ep: ResolvedEndpoint, res: Response): void {
  if (SERVER_TIMINGS.length === 0) return;
  const header = headerOf(res, 'server-timing');
  for (const st of SERVER_TIMINGS) {
    if (st.endpoints.length && !st.endpoints.includes(ep.key)) continue;
    const dur = serverTimingDuration(header, st.entry);
    if (dur !== undefined) st.trend.add(dur, { name: ep.name });
  }
}

/** Keeps the values `ep` captures from a right answer for later requests of this user. */
function capture(ep: ResolvedEndpoint, res: Response, vars: Vars): void {
  const paths = Object.entries(ep.capture);
  if (paths.length === 0) return;
  let parsed: unknown;
  try { parsed = JSON.parse(String(res.body ?? '')); } catch { return; }
  for (const [name, path] of paths) {
    const v = captureAt(parsed, path);
    if (v !== undefined) vars[name] = v;
  }
}

/** Calls `ep` as the user holding `key`; judges, captures into `vars`, and records Server-Timing. True when the answer was right. */
export async function callEndpoint(ep: ResolvedEndpoint, vars: Vars, key: string, tagsAt: TagsAt = {}): Promise<boolean> {
  const tags = typeof tagsAt === 'function' ? tagsAt() : tagsAt;
  const headers: Record<string, string> = { ...ep.headers };
  let body: string | null = null;
  if (ep.body !== undefined) {
    body = JSON.stringify(fillJson(ep.body, vars));
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  }
  if (ep.auth) Object.assign(headers, authHeaders(key));
  const params: Params = { headers, tags: { name: ep.name, slo: ep.group, ...tags }, timeout: `${ep.timeoutSeconds}s` };
  const cb = EXPECTED.get(ep.key);
  if (cb) params.responseCallback = cb;
  const res = await http.asyncRequest(ep.method, urlFor(ep, vars), body, params) as Response;
  const ok = judge(checkName(ep), ep.expect, res, tags);
  if (ok) capture(ep, res, vars);
  recordServerTimings(ep, res);
  return ok;
}
