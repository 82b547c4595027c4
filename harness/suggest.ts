/**
 * "Did you mean": the known word closest to a mistyped one, when it is close enough to be the
 * likely intent (a typo, a case slip, a prefix), for commands, flags and config keys alike.
 */
import { closest, distance } from 'fastest-levenshtein';

export function suggest(word: string, known: readonly string[]): string | undefined {
  if (!word || known.length === 0) return undefined;
  const near = closest(word, [...known]);
  const a = word.toLowerCase();
  const b = near.toLowerCase();
  const close = a.startsWith(b) || b.startsWith(a) || distance(a, b) <= Math.ceil(Math.max(a.length, b.length) / 3);
  return close ? near : undefined;
}
