/** https://jslib.k6.io/k6-utils/<version>/index.js, locally: the helpers k6 scripts use. */
import nodeCrypto from 'node:crypto';

export function randomIntBetween(min: number, max: number): number {
  return Math.floor(Math.random() * (max - min + 1) + min);
}

export function randomItem<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

export function randomString(length: number, charset = 'abcdefghijklmnopqrstuvwxyz'): string {
  let s = '';
  for (let i = 0; i < length; i++) s += charset[Math.floor(Math.random() * charset.length)];
  return s;
}

export function uuidv4(secure = false): string {
  void secure;
  return nodeCrypto.randomUUID();
}

/** The text between `left` and `right` (the first, or all of them with `repeat`). */
export function findBetween(content: string, left: string, right: string, repeat = false): string | string[] | null {
  const found: string[] = [];
  let from = 0;
  for (;;) {
    const a = content.indexOf(left, from);
    if (a < 0) break;
    const b = content.indexOf(right, a + left.length);
    if (b < 0) break;
    found.push(content.slice(a + left.length, b));
    if (!repeat) break;
    from = b + right.length;
  }
  return repeat ? found : (found[0] ?? null);
}

export default { randomIntBetween, randomItem, randomString, uuidv4, findBetween };
