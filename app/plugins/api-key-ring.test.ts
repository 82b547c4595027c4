/**
 * Keys compared in constant time, and rotated through API_KEYS_FILE while the API runs: a real
 * file, a real listener and requests in flight the whole time.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../harness/testing/test-database.ts';
import { build } from '../build.ts';
import { testConfig } from '../test-support.ts';
import { ApiKeyRing } from './api-key-ring.ts';

const KEY_A = 'rotation-key-aaaaaaaaaaaaaaaa';
const KEY_B = 'rotation-key-bbbbbbbbbbbbbbbb';
const KEY_C = 'rotation-key-cccccccccccccccc';

describe('ApiKeyRing', () => {
  it('accepts exactly the keys it holds, whatever the length of the guess', () => {
    const ring = new ApiKeyRing(new Set([KEY_A]), undefined, new Set([KEY_A, KEY_B]));
    expect(ring.size).toBe(2);
    expect([KEY_A, KEY_B].map((k) => ring.has(k))).toEqual([true, true]);
    for (const guess of ['', 'r', KEY_A.slice(0, -1), `${KEY_A}a`, KEY_A.toUpperCase(), `${KEY_A}\u0000`, 'x'.repeat(10_000)]) expect(ring.has(guess), guess.slice(0, 40)).toBe(false);
  });

  it('keeps the keys in force when the file disappears or holds no valid key', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyring-'));
    const file = path.join(dir, 'keys');
    fs.writeFileSync(file, `${KEY_A}\n`);
    const ring = new ApiKeyRing(new Set(), file, new Set([KEY_A]));
    fs.writeFileSync(file, 'short\n\n');
    expect(ring.reloadIfChanged()).toBe(false);
    fs.rmSync(file);
    expect(ring.reloadIfChanged()).toBe(false);
    expect(ring.has(KEY_A)).toBe(true);
    fs.writeFileSync(file, `${KEY_B}\nshort\n`);
    expect(ring.reloadIfChanged()).toBe(true);
    expect([ring.has(KEY_A), ring.has(KEY_B), ring.size]).toEqual([false, true, 1]);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('key rotation through API_KEYS_FILE, without a restart', () => {
  let app: FastifyInstance | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rotation-'));
  const file = path.join(dir, 'api-keys');
  afterAll(async () => { await app?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  /** Rotation as operators do it: write a new file beside the old one, rename it over. */
  const rotate = (keys: string[]) => {
    const next = `${file}.next`;
    fs.writeFileSync(next, `${keys.join('\n')}\n`);
    fs.renameSync(next, file);
  };

  it('a new key works and a removed one gets 401 within the poll bound, while requests on the kept key never fail', async () => {
    fs.writeFileSync(file, `${KEY_A}\n`);
    const pollMs = 200;
    app = await build(testConfig(await createTestDatabase('rotation'), { API_KEYS_FILE: file, API_KEYS_FILE_POLL_MS: String(pollMs), RATE_LIMIT_READS_PER_MIN: '1000000000' }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const status = async (key: string) => (await fetch(`${base}/api/v1/metrics`, { headers: { authorization: `Bearer ${key}` } })).status;

    // A stream of requests on each key that must keep working, counting every answer.
    const streams = new Map<string, { running: boolean; answers: number[]; done: Promise<void> }>();
    const stream = (key: string) => {
      const s = { running: true, answers: [] as number[], done: Promise.resolve() };
      s.done = (async () => { while (s.running) s.answers.push(await status(key)); })();
      streams.set(key, s);
      return s;
    };
    const until = async (key: string, want: number) => {
      const started = performance.now();
      let tries = 0;
      while (await status(key) !== want) tries++;
      return { ms: performance.now() - started, tries };
    };

    expect(await status(KEY_B)).toBe(401);
    const a = stream(KEY_A);
    rotate([KEY_A, KEY_B]);
    const added = await until(KEY_B, 200);
    const b = stream(KEY_B);
    a.running = false;
    await a.done;
    rotate([KEY_B, KEY_C]);
    const removed = await until(KEY_A, 401);
    expect(await status(KEY_C)).toBe(200);
    b.running = false;
    await b.done;

    // The fixed key from API_KEY stays through every rotation.
    expect(await status('test-key-aaaaaaaaaaaaaaaa')).toBe(200);
    expect(a.answers.length).toBeGreaterThan(0);
    expect(b.answers.length).toBeGreaterThan(0);
    expect(a.answers.filter((s) => s !== 200)).toEqual([]);
    expect(b.answers.filter((s) => s !== 200)).toEqual([]);
    // The watch sees a rename at once and the periodic stat bounds it at one poll interval; the
    // bound asserted is wide (50 intervals) so a busy CI machine's scheduling cannot cross it, yet
    // a key ring that only rereads on restart never meets it.
    expect(added.ms).toBeLessThan(pollMs * 50);
    expect(removed.ms).toBeLessThan(pollMs * 50);
    const detailed = await (await fetch(`${base}/api/v1/health/detailed`)).json();
    expect(detailed.config.api_keys).toBe(4); // API_KEY, API_KEYS (test-support) and the file's two
  });
});
