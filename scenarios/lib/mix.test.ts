import { describe, expect, it } from 'vitest';
import type { ResolvedEndpoint } from '../../harness/target/types.ts';
import { lacking, pickByWeight, replacementFor } from './mix.ts';

function ep(key: string, o: Partial<ResolvedEndpoint> = {}): ResolvedEndpoint {
  return {
    key, name: `GET /${key}`, method: 'GET', path: `/${key}`, query: {}, headers: {}, auth: false,
    expect: { status: [], json: {} }, group: 'api', weight: 1, capture: {}, needs: [], smoke: true, timeoutSeconds: 60, ...o,
  };
}

/** A random source that answers the given values in turn. */
const seq = (...values: number[]) => { let i = 0; return () => values[i++ % values.length]!; };

describe('pickByWeight', () => {
  const list = [{ n: 'a', w: 1 }, { n: 'zero', w: 0 }, { n: 'b', w: 3 }];
  it('draws by weight and never an element of weight 0', () => {
    expect(pickByWeight(list, (x) => x.w, seq(0))?.n).toBe('a');
    expect(pickByWeight(list, (x) => x.w, seq(0.24))?.n).toBe('a');
    expect(pickByWeight(list, (x) => x.w, seq(0.25))?.n).toBe('b');
    expect(pickByWeight(list, (x) => x.w, seq(0.999))?.n).toBe('b');
  });
  it('draws nothing when every weight is 0', () => {
    expect(pickByWeight([{ w: 0 }], (x) => x.w)).toBeUndefined();
    expect(pickByWeight([], () => 1)).toBeUndefined();
  });
});

describe('replacementFor', () => {
  const list = ep('list', { weight: 5, capture: { id: 'items.*.id' } });
  const create = ep('create', { method: 'POST', weight: 0, capture: { id: 'id' } });
  const read = ep('read', { path: '/items/{id}', needs: ['id'], weight: 3 });
  const comments = ep('comments', { path: '/items/{id}/comments/{cid}', needs: ['id', 'cid'] });
  const thread = ep('thread', { path: '/items/{id}/thread', needs: ['id'], capture: { cid: 'comments.0.id' } });
  const all = [list, create, read, comments, thread];

  it('keeps an endpoint whose placeholders are captured', () => {
    expect(lacking(read, { id: 7 })).toEqual([]);
    expect(replacementFor(read, { id: 7 }, all)).toBe(read);
  });

  it('calls the endpoint that captures a missing value instead, preferring the arrival mix', () => {
    expect(lacking(read, {})).toEqual(['id']);
    // `list` (weight 5) and `create` (weight 0, journeys only) both capture id: the mix wins.
    for (const r of [0, 0.5, 0.99]) expect(replacementFor(read, {}, all, seq(r))).toBe(list);
  });

  it('follows a chain of needs until one can be called', () => {
    expect(replacementFor(comments, {}, all, seq(0))).toBe(list);
    expect(replacementFor(comments, { id: 1 }, all, seq(0))).toBe(thread);
    expect(replacementFor(comments, { id: 1, cid: 2 }, all)).toBe(comments);
  });

  it('answers nothing when no endpoint captures what is missing', () => {
    expect(replacementFor(read, {}, [read])).toBeUndefined();
  });
});
