import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError } from './circuit-breaker.ts';

describe('CircuitBreaker', () => {
  it('opens after the threshold, fails fast, lets one trial through when half-open, and closes on success', async () => {
    let now = 1000;
    const b = new CircuitBreaker(2, 5000, () => now);
    const boom = () => Promise.reject(new Error('boom'));
    await expect(b.run(boom)).rejects.toThrow('boom');
    expect(b.snapshot().state).toBe('closed');
    await expect(b.run(boom)).rejects.toThrow('boom');
    expect(b.snapshot()).toMatchObject({ state: 'open', consecutiveFailures: 2, lastError: 'boom', retryAfterMs: 5000 });

    let called = false;
    await expect(b.run(async () => { called = true; })).rejects.toBeInstanceOf(CircuitOpenError);
    expect(called).toBe(false);

    now += 5000;
    expect(b.snapshot().state).toBe('half_open');
    let release!: () => void;
    const trial = b.run(() => new Promise<string>((r) => { release = () => r('ok'); }));
    // While the trial runs, others still fail fast.
    await expect(b.run(async () => 'x')).rejects.toBeInstanceOf(CircuitOpenError);
    release();
    await expect(trial).resolves.toBe('ok');
    expect(b.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('re-opens when the half-open trial fails', async () => {
    let now = 0;
    const b = new CircuitBreaker(1, 100, () => now);
    await expect(b.run(() => Promise.reject(new Error('a')))).rejects.toThrow();
    now = 100;
    await expect(b.run(() => Promise.reject(new Error('b')))).rejects.toThrow('b');
    expect(b.snapshot()).toMatchObject({ state: 'open', retryAfterMs: 100 });
  });
});

describe('CircuitBreaker with calls in flight', () => {
  it('ignores failures of calls admitted before it opened: they neither push the trial back nor let a second trial through', async () => {
    let now = 0;
    const b = new CircuitBreaker(2, 1000, () => now);
    const pending: Array<(e: Error) => void> = [];
    const slow = () => b.run(() => new Promise<never>((_, reject) => { pending.push(reject); }));
    const stragglers = [slow(), slow(), slow(), slow()].map((p) => p.catch((e: Error) => e.message));
    pending.shift()!(new Error('t1'));
    pending.shift()!(new Error('t2'));
    await Promise.all(stragglers.slice(0, 2));
    expect(b.snapshot()).toMatchObject({ state: 'open', retryAfterMs: 1000 });
    now = 900;
    pending.shift()!(new Error('late'));
    await stragglers[2];
    // Still opened at 0, not at 900.
    expect(b.snapshot()).toMatchObject({ state: 'open', retryAfterMs: 100 });
    now = 1000;
    let release!: () => void;
    const trial = b.run(() => new Promise<string>((r) => { release = () => r('ok'); }));
    pending.shift()!(new Error('later'));
    await stragglers[3];
    // The straggler did not clear the trial: others still fail fast.
    await expect(b.run(async () => 'x')).rejects.toBeInstanceOf(CircuitOpenError);
    release();
    await expect(trial).resolves.toBe('ok');
    expect(b.snapshot().state).toBe('closed');
  });
});
