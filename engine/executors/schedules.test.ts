/** The pure schedules behind ramping-vus and ramping-arrival-rate, and the segment split. */
import { describe, expect, it } from 'vitest';
import { splitInt } from './common.ts';
import { arrivalSchedule } from './ramping-arrival-rate.ts';
import { vuSteps } from './ramping-vus.ts';

function all(f: (k: number) => number | undefined): number[] {
  const out: number[] = [];
  for (let k = 0; ; k++) { const t = f(k); if (t === undefined) return out; out.push(t); }
}

describe('schedules', () => {
  it('ramping-vus steps linearly, one VU at a time', () => {
    expect(vuSteps(0, [{ duration: 1000, target: 4 }, { duration: 1000, target: 2 }])).toEqual([
      [0, 0], [250, 1], [500, 2], [750, 3], [1000, 4], [1500, 3], [2000, 2],
    ]);
    expect(vuSteps(1, [{ duration: 0, target: 5 }])).toEqual([[0, 1], [0, 5]]);
  });

  it('a constant rate starts iterations evenly from t=0: rate × duration of them', () => {
    const starts = all(arrivalSchedule(10, 1000, [{ duration: 2000, target: 10 }]));
    expect(starts).toHaveLength(20);
    expect(starts[0]).toBe(0);
    expect(starts[1]).toBeCloseTo(100);
    expect(starts[19]).toBeCloseTo(1900);
  });

  it('a linear ramp starts the integral of the rate, denser as the rate grows', () => {
    const starts = all(arrivalSchedule(0, 1000, [{ duration: 2000, target: 20 }, { duration: 1000, target: 0 }]));
    // ∫ 0→20/s over 2 s = 20, ∫ 20→0/s over 1 s = 10.
    expect(starts.length).toBeGreaterThanOrEqual(29);
    expect(starts.length).toBeLessThanOrEqual(31);
    expect(starts[10]).toBeCloseTo(Math.sqrt(10 / 5) * 1000, 0); // 5·t² = 10 → t ≈ 1.414 s
    for (let i = 1; i < starts.length; i++) expect(starts[i]).toBeGreaterThanOrEqual(starts[i - 1]!);
  });

  it('splits integers across segments so the parts add up to the whole', () => {
    for (const [total, n] of [[10, 3], [1, 4], [500, 7], [0, 2]] as const) {
      const parts = Array.from({ length: n }, (_, i) => splitInt(total, i, n));
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
    }
  });
});
