/**
 * Awaitable pauses. k6's `sleep()` blocks the VU (and would block every VU sharing a thread in
 * shipcheck's Node engine); a timer-based pause lets other VUs run meanwhile. Timers are
 * globals in k6 ≥ 0.51.
 */
import { THINK_SCALE } from './profile.ts';

/** Waits `seconds` (fractions allowed) without blocking other VUs. */
export function pause(seconds: number): Promise<void> {
  const ms = Math.max(0, seconds * 1000);
  return new Promise<void>((resolve) => {
    setTimeout(() => resolve(), ms);
  });
}

/** A user's think time: uniformly between `minSeconds` and `maxSeconds`, scaled by the profile. */
export function think(minSeconds: number, maxSeconds: number): Promise<void> {
  return pause((minSeconds + Math.random() * (maxSeconds - minSeconds)) * THINK_SCALE);
}
