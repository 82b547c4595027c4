/**
 * The one judgement of "is this a right answer", shared by the load scenarios and the smoke
 * suites, and the paths and placeholders it reads and fills.
 */
import { describe, expect, it } from 'vitest';
import { expectationProblems } from './expectations.ts';
import { captureAt, valuesAt } from './json-path.ts';
import { fillJson, fillString, nameTag, placeholdersIn } from './placeholders.ts';

const body = JSON.stringify({ status: 'ok', items: [{ id: 7, type: 'faq' }, { id: 9, type: 'faq' }], checks: { db: { status: 'down' } }, empty: [] });

describe('expectationProblems', () => {
  it('accepts a right answer: any 2xx by default, or the statuses named', () => {
    expect(expectationProblems({ status: [], json: {} }, { status: 204, body: '' })).toEqual([]);
    expect(expectationProblems({ status: [200, 201], json: { status: 'ok', 'items.*.type': 'faq', items: { type: 'array', minLength: 2 } } }, { status: 201, contentType: 'application/json', body })).toEqual([]);
  });

  it('names every way an answer is wrong, with what it got and what was expected', () => {
    const problems = expectationProblems({
      status: [200], contentType: 'application/json', contains: 'healthy',
      json: {
        status: 'healthy', 'checks.db.status': { oneOf: ['up', 'ok'] }, 'items.*.id': { type: 'string' }, 'items.0.id': { min: 8 },
        version: { exists: true }, empty: { minLength: 1 }, 'checks.db': { exists: false }, status2: { exists: false },
      },
    }, { status: 503, contentType: 'text/html', body });
    expect(problems).toEqual([
      'status 503, expected 200',
      'Content-Type "text/html", expected "application/json"',
      'body does not contain "healthy"',
      '"status" is "ok", expected "healthy"',
      '"checks.db.status" is "down", expected one of "up", "ok"',
      '"items.*.id" is number 7, expected a string',
      '"items.0.id" is 7, expected ≥ 8',
      '"version" is missing',
      '"empty" has length 0, expected at least 1',
      '"checks.db" is present, expected absent',
    ]);
  });

  it('says a body that should be JSON is not, and a missing response has no status', () => {
    expect(expectationProblems({ status: [], json: { a: 1 } }, { status: 0, body: 'connection refused' })).toEqual([
      'status (no response), expected a 2xx',
      'body is not JSON ("connection refused"), expected fields a',
    ]);
  });
});

describe('paths and placeholders', () => {
  const parsed = JSON.parse(body);
  it('reads dotted paths, indices and every element', () => {
    expect(valuesAt(parsed, 'items.1.id')).toEqual({ found: true, values: [9] });
    expect(valuesAt(parsed, 'items.*.id')).toEqual({ found: true, values: [7, 9] });
    expect(valuesAt(parsed, 'empty.*.id')).toEqual({ found: true, values: [] });
    expect(valuesAt(parsed, 'checks.cache.status')).toEqual({ found: false, at: 'checks.cache' });
  });

  it('captures one scalar: the first, or a random element where the path says *', () => {
    expect(captureAt(parsed, 'items.0.id')).toBe(7);
    expect(captureAt(parsed, 'items.*.id', () => 0.99)).toBe(9);
    expect(captureAt(parsed, 'items')).toBeUndefined();
    expect(captureAt(parsed, 'empty.*.id')).toBeUndefined();
  });

  it('fills placeholders, URL-encoding in paths and keeping a whole-value placeholder\'s type in bodies', () => {
    expect([...placeholdersIn(['/u/{user}/items/{id}', { q: '{id}', list: ['{tag}'] }])]).toEqual(['user', 'id', 'tag']);
    expect(fillString('/u/{user}/items/{id}', { user: 'a b/c', id: 7 }, true)).toBe('/u/a%20b%2Fc/items/7');
    expect(fillString('/x/{missing}', {})).toBe('/x/{missing}');
    expect(fillJson({ id: '{id}', note: 'item {id}', n: 1 }, { id: 7 })).toEqual({ id: 7, note: 'item 7', n: 1 });
    expect(nameTag('GET', '/items/{id}')).toBe('GET /items/:id');
  });
});
