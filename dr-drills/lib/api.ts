/**
 * The included API as drills use it: started as its own process on a drill's database
 * (through the harness, never its internals), polled until healthy, and smoke-checked.
 */
import { fail } from '../../harness/errors.ts';
import { sleep } from './writer.ts';
import type { Drill } from './drill.ts';

export interface RunningApi { url: string; apiKey: string; apiKeys: string[]; pid: number; stop(): Promise<void> }
export interface ApiOptions { env?: Record<string, string>; keys?: number; log?: (line: string) => void }

/** Starts the included API on `databaseUrl`; the drill's cleanup stops it. */
export async function startApi(drill: Drill, databaseUrl: string, opts: ApiOptions = {}): Promise<RunningApi> {
  let mod: { startIncludedApi: (o: Record<string, unknown>) => Promise<RunningApi> };
  try {
    mod = await import('../../harness/included-api.ts');
  } catch (e) {
    throw fail('SHIPCHECK_ERR_DRILL_NEEDS', { drill: drill.spec.name, what: 'the included API (harness/included-api.ts)', hint: `it could not be loaded (${(e as Error).message.split('\n')[0]}).` });
  }
  const api = await mod.startIncludedApi({ databaseUrl, env: opts.env, keys: opts.keys, log: opts.log });
  drill.defer('stop the API', () => api.stop());
  return api;
}

export interface HealthProbe { status: number; body: Record<string, unknown> | undefined; ms: number; error?: string }

/** One GET with a timeout; never throws (a refused connection is a probe result too). */
export async function probe(url: string, opts: { apiKey?: string; timeoutMs?: number; method?: string; body?: unknown } = {}): Promise<HealthProbe> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: opts.method ?? 'GET',
      headers: {
        ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
    });
    const text = await res.text();
    let body: Record<string, unknown> | undefined;
    try { body = JSON.parse(text); } catch { body = undefined; }
    return { status: res.status, body, ms: performance.now() - started };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    return { status: 0, body: undefined, ms: performance.now() - started, error: err.cause?.code ?? err.name ?? err.message };
  }
}

/** Polls `<base>/api/v1/health` until it answers 200; resolves to the probe that did, or the last one at the deadline. */
export async function waitHealthy(base: string, timeoutMs: number, everyMs = 100): Promise<HealthProbe & { healthy: boolean }> {
  const deadline = Date.now() + timeoutMs;
  let last: HealthProbe;
  do {
    last = await probe(`${base}/api/v1/health`, { timeoutMs: 2000 });
    if (last.status === 200) return { ...last, healthy: true };
    await sleep(everyMs);
  } while (Date.now() < deadline);
  return { ...last, healthy: false };
}
