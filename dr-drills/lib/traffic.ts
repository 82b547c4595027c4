/**
 * The drill's own instruments: open-model request streams at a fixed rate (they never wait
 * for slow answers, so an outage shows as failures and latency, not as silence), each request
 * recorded with when it was sent, how long it took and how it ended. They measure downtime,
 * fail-fast latency and which writes were acknowledged; bulk load comes from the engine.
 */
import { preciseNow } from './writer.ts';

export interface Sample {
  at: number; ms: number; status: number;
  /** The JSON error body's `code`, or a health body's `status` ("healthy", "degraded"). */
  code?: string;
  error?: string;
  /** The `id` of a created resource. */
  id?: number;
}
export type Requester = (n: number) => Promise<Omit<Sample, 'at' | 'ms'>>;

export class Traffic {
  readonly samples: Sample[] = [];
  dropped = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  private n = 0;

  constructor(readonly name: string, private readonly request: Requester, private readonly perSecond: number, private readonly maxInFlight = 50) {}

  start(): this {
    const started = preciseNow();
    const every = 1000 / this.perSecond;
    this.timer = setInterval(() => {
      const due = Math.floor((preciseNow() - started) / every) + 1;
      while (this.n < due) {
        this.n++;
        if (this.inFlight.size >= this.maxInFlight) { this.dropped++; continue; }
        const at = preciseNow();
        const p = this.request(this.n)
          .then((r) => { this.samples.push({ ...r, at, ms: preciseNow() - at }); })
          .catch((e) => { this.samples.push({ at, ms: preciseNow() - at, status: 0, error: (e as Error).message }); })
          .finally(() => { this.inFlight.delete(p); });
        this.inFlight.add(p);
      }
    }, Math.max(5, Math.min(50, every / 2)));
    return this;
  }

  async stop(): Promise<Sample[]> {
    clearInterval(this.timer);
    await Promise.all([...this.inFlight]);
    this.samples.sort((a, b) => a.at - b.at);
    return this.samples;
  }

  between(from: number, to: number): Sample[] {
    return this.samples.filter((s) => s.at >= from && s.at < to);
  }
}

export const isOk = (s: Sample) => s.status >= 200 && s.status < 300;

/** One HTTP request that never throws: a refused connection or timeout is a sample with status 0. */
export async function httpSample(url: string, init: { method?: string; apiKey?: string; body?: unknown; timeoutMs?: number } = {}): Promise<Omit<Sample, 'at' | 'ms'>> {
  try {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.apiKey ? { authorization: `Bearer ${init.apiKey}` } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    let body: { id?: number; code?: string; status?: unknown } | undefined;
    try { body = JSON.parse(text); } catch { /* not JSON: recorded as is */ }
    return { status: res.status, code: body?.code ?? (typeof body?.status === 'string' ? body.status : undefined), id: typeof body?.id === 'number' ? body.id : undefined };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    return { status: 0, error: err.cause?.code ?? err.name };
  }
}

/** Percentile of `values` (nearest rank); 0 for an empty list. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Generation requests for the content API, spread over a pool of keys the way distinct users would. */
export function generateRequest(base: string, keys: string[]): Requester {
  const types = ['faq', 'study_guide', 'flashcards', 'one_pager_summary'];
  return (n) => httpSample(`${base}/api/v1/content/generate`, {
    method: 'POST',
    apiKey: keys[n % keys.length],
    body: { topic: `Drill topic ${n}: photosynthesis`, content_type: types[n % types.length], audience_level: 'general' },
  });
}

/** Reads of existing content (by id from `ids`, and the first page of the list), over a key pool. */
export function readRequest(base: string, keys: string[], ids: () => number[]): Requester {
  return (n) => {
    const pool = ids();
    if (n % 4 === 0 || !pool.length) return httpSample(`${base}/api/v1/content?limit=10`, { apiKey: keys[n % keys.length] });
    return httpSample(`${base}/api/v1/content/${pool[n % pool.length]}`, { apiKey: keys[n % keys.length] });
  };
}
