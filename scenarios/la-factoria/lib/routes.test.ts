/**
 * La Factoria's scripts cannot import app/ (k6 runs them, and the app may be deployed on its
 * own), so they keep their own copies of its lists; this test keeps the copies equal.
 */
import { describe, expect, it } from 'vitest';
import { AUDIENCE_LEVELS as APP_LEVELS, CONTENT_TYPES as APP_TYPES } from '../../../app/config.ts';
import { AUDIENCE_LEVELS, CONTENT_TYPES } from './routes.ts';

describe("La Factoria's own scripts", () => {
  it('know the content types and audience levels the API accepts', () => {
    expect([...CONTENT_TYPES]).toEqual([...APP_TYPES]);
    expect([...AUDIENCE_LEVELS]).toEqual([...APP_LEVELS]);
  });
});
