import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderError } from './provider.ts';

/**
 * Calls `fn` up to `attempts` times while it fails with a retryable ProviderError, waiting
 * base, 2×base, 4×base ... (±20 % jitter so many clients do not retry in step) between tries.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, attempts: number, baseMs: number): Promise<T> {
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      last = e;
      if (!(e instanceof ProviderError) || !e.retryable || attempt === attempts) break;
      const wait = baseMs * 2 ** (attempt - 1);
      if (wait > 0) await sleep(Math.round(wait * (0.8 + Math.random() * 0.4)));
    }
  }
  throw last;
}
