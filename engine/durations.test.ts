import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './durations.ts';

describe('k6 durations', () => {
  it('reads k6 duration strings, including days and fractions', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('1d12h')).toBe(129_600_000);
    expect(parseDuration('250us')).toBeCloseTo(0.25);
  });
  it('reads a unitless value as milliseconds, as k6 does, and rejects what is not a duration', () => {
    expect(parseDuration('1500')).toBe(1500);
    expect(parseDuration(1500)).toBe(1500);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration('10x')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
    expect(parseDuration(-1)).toBeUndefined();
  });
  it('prints durations the way k6 does', () => {
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(500)).toBe('500ms');
  });
});
