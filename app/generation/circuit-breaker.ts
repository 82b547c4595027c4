/**
 * A circuit breaker around the content provider: after `failureThreshold` consecutive failed
 * generations it opens and fails fast for `resetMs`, then lets one trial call through
 * (half-open); that call's outcome closes or re-opens it. The state shows in health.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export class CircuitOpenError extends Error {
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number) {
    super(`The AI provider circuit breaker is open after repeated failures; retry in ${Math.ceil(retryAfterMs / 1000)} s.`);
    this.name = 'CircuitOpenError';
    this.retryAfterMs = retryAfterMs;
  }
}

export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  openedAt: string | null;
  retryAfterMs: number;
  lastError: string | null;
}

export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private lastError: string | null = null;

  constructor(private readonly failureThreshold: number, private readonly resetMs: number, private readonly now: () => number = Date.now) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const ticket = this.admit();
    try {
      const out = await fn();
      this.onSuccess();
      return out;
    } catch (e) {
      this.onFailure(e, ticket);
      throw e;
    }
  }

  snapshot(): BreakerSnapshot {
    const state = this.currentState();
    return {
      state,
      consecutiveFailures: this.failures,
      openedAt: this.openedAt ? new Date(this.openedAt).toISOString() : null,
      retryAfterMs: state === 'open' ? Math.max(0, this.openedAt + this.resetMs - this.now()) : 0,
      lastError: this.lastError,
    };
  }

  private currentState(): BreakerState {
    if (this.state === 'open' && this.now() >= this.openedAt + this.resetMs) return 'half_open';
    return this.state;
  }

  /** Which opening of the breaker a call was admitted under, and whether it is the trial. */
  private opening = 0;

  private admit(): { opening: number; trial: boolean } {
    const state = this.currentState();
    if (state === 'closed') return { opening: this.opening, trial: false };
    if (state === 'half_open' && !this.trialInFlight) {
      this.state = 'half_open';
      this.trialInFlight = true;
      return { opening: this.opening, trial: true };
    }
    // Open, or half-open with its one trial already running: fail fast.
    throw new CircuitOpenError(Math.max(1000, this.openedAt + this.resetMs - this.now()));
  }

  private onSuccess(): void {
    // Any success shows the provider answers again, so it closes the breaker.
    this.state = 'closed';
    this.failures = 0;
    this.trialInFlight = false;
    this.openedAt = 0;
  }

  private onFailure(e: unknown, ticket: { opening: number; trial: boolean }): void {
    this.lastError = (e as Error)?.message ?? String(e);
    // A call admitted before the breaker opened, failing only now (a slow timeout), says nothing
    // new: letting it re-open the breaker would push the next trial back with every straggler,
    // and clearing the trial flag would let a second trial through.
    if (ticket.opening !== this.opening) return;
    if (ticket.trial) this.trialInFlight = false;
    this.failures++;
    if (ticket.trial || (this.state === 'closed' && this.failures >= this.failureThreshold)) {
      this.state = 'open';
      this.openedAt = this.now();
      this.opening++;
    }
  }
}
