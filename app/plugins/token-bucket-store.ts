/**
 * A @fastify/rate-limit store that implements a token bucket per (bucket, key): `max`
 * requests per `timeWindow` sustained, up to `burst` at once. Routes name their bucket in
 * `config.rateLimit.bucket`, so every read route of one key draws from one shared bucket
 * (the plugin's own store would count each route separately).
 *
 * The plugin compares the `current` we return with its `max`; we report `current` as
 * `burst - tokens left`, and pass `burst` as the plugin's `max`, so it answers 429 exactly
 * when the bucket is empty, with `ttl` = time until the next token (→ Retry-After).
 */
interface Bucket { tokens: number; updatedMs: number }
type Callback = (err: Error | null, res: { current: number; ttl: number }) => void;

export interface BucketParams { bucket?: string; rate?: number; burst?: number; timeWindow?: number }

export class TokenBucketStore {
  private readonly buckets: Map<string, Bucket>;
  private readonly name: string;
  private readonly rate: number;

  constructor(params: object = {}, shared?: Map<string, Bucket>) {
    this.buckets = shared ?? new Map();
    const p = params as BucketParams;
    this.name = p.bucket ?? 'default';
    this.rate = p.rate ?? 1;
  }

  /** @fastify/rate-limit calls this per route with the route's merged options. */
  child(routeOptions: object): TokenBucketStore {
    return new TokenBucketStore(routeOptions as BucketParams, this.buckets);
  }

  incr(key: string, cb: Callback, timeWindow: number, burst: number): void {
    cb(null, this.take(key, timeWindow, burst, 1));
  }

  read(key: string, cb: Callback, timeWindow: number, burst: number): void {
    cb(null, this.take(key, timeWindow, burst, 0));
  }

  private take(key: string, timeWindow: number, burst: number, cost: number): { current: number; ttl: number } {
    const id = `${this.name}\u0000${key}`;
    const now = Date.now();
    const perMs = this.rate / timeWindow;
    let b = this.buckets.get(id);
    if (!b) {
      b = { tokens: burst, updatedMs: now };
      this.buckets.set(id, b);
    } else {
      b.tokens = Math.min(burst, b.tokens + (now - b.updatedMs) * perMs);
      b.updatedMs = now;
    }
    if (b.tokens >= cost) {
      b.tokens -= cost;
      const ttl = b.tokens >= 1 ? 0 : Math.ceil((1 - b.tokens) / perMs);
      return { current: Math.ceil(burst - b.tokens), ttl: Math.max(ttl, 1) };
    }
    return { current: burst + 1, ttl: Math.max(1, Math.ceil((cost - b.tokens) / perMs)) };
  }
}

/** A route's `config.rateLimit` for one of the configured buckets. */
export function rateLimitFor(config: { rateLimit: Record<'reads' | 'generations', { max: number; windowMs: number; burst: number }> }, bucket: 'reads' | 'generations') {
  const b = config.rateLimit[bucket];
  return { bucket, rate: b.max, max: b.burst, timeWindow: b.windowMs };
}
