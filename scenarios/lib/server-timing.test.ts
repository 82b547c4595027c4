import { describe, expect, it } from 'vitest';
import { serverTimingDuration } from './server-timing.ts';

describe('serverTimingDuration', () => {
  it('finds the named entry\'s dur among several, whatever its parameters and case', () => {
    const h = 'db;dur=53, retrieval;desc="vector, top-k";dur=123.4, total;dur=200';
    expect(serverTimingDuration(h, 'retrieval')).toBe(123.4);
    expect(serverTimingDuration(h, 'Retrieval')).toBe(123.4);
    expect(serverTimingDuration(h, 'db')).toBe(53);
    expect(serverTimingDuration('retrieval;dur="7.5"', 'retrieval')).toBe(7.5);
  });

  it('answers nothing when the header, the entry or its dur is missing', () => {
    expect(serverTimingDuration(undefined, 'retrieval')).toBeUndefined();
    expect(serverTimingDuration('db;dur=5', 'retrieval')).toBeUndefined();
    expect(serverTimingDuration('retrieval;desc="cache hit"', 'retrieval')).toBeUndefined();
    expect(serverTimingDuration('retrieval;dur=abc', 'retrieval')).toBeUndefined();
  });
});
