import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from './testing/test-database.ts';
import { startIncludedApi, type IncludedApi } from './included-api.ts';

const running: IncludedApi[] = [];
afterEach(async () => { await Promise.all(running.splice(0).map((a) => a.stop())); });

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

describe('startIncludedApi', () => {
  it('starts a real serve child on the given database, answers with every pooled key, and stops it', async () => {
    const databaseUrl = await createTestDatabase('included_api');
    const lines: string[] = [];
    const api = await startIncludedApi({ databaseUrl, seed: 3, keys: 4, log: (l) => lines.push(l) });
    running.push(api);
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(api.apiKeys).toHaveLength(4);
    expect(new Set(api.apiKeys).size).toBe(4);
    expect(api.apiKey).toBe(api.apiKeys[0]);
    // The child's own progress reaches the log; its ready handshake does not (a job that runs
    // the API must not look like a server to tools watching for "listening on").
    expect(lines.some((l) => l.includes('Database:'))).toBe(true);
    expect(lines.some((l) => l.includes('listening on'))).toBe(false);
    // The key never shows in what the harness logs.
    expect(lines.join('\n')).not.toContain(api.apiKey);

    expect((await fetch(`${api.url}/health`)).status).toBe(200);
    for (const key of api.apiKeys) {
      const res = await fetch(`${api.url}/api/v1/content?limit=3`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      expect((await res.json()).items).toHaveLength(3);
    }
    expect((await fetch(`${api.url}/api/v1/content`, { headers: { authorization: 'Bearer not-a-key-of-the-pool' } })).status).toBe(401);

    await api.stop();
    expect(alive(api.pid)).toBe(false);
    expect(lines).toContain('Stopped.');
    await expect(fetch(`${api.url}/health`)).rejects.toThrow();
  });

  it('passes a large key pool through a file instead of the environment', async () => {
    const api = await startIncludedApi({ databaseUrl: await createTestDatabase('included_api_keys'), keys: 3000 });
    running.push(api);
    expect(api.apiKeys).toHaveLength(3000);
    for (const key of [api.apiKeys[0], api.apiKeys[1500], api.apiKeys[2999]]) {
      expect((await fetch(`${api.url}/api/v1/content`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    }
  });

  it('runs its own throwaway PostgreSQL when given no database', async () => {
    const api = await startIncludedApi({ keys: 1 });
    running.push(api);
    const res = await fetch(`${api.url}/api/v1/health`);
    expect(res.status).toBe(200);
    expect((await res.json()).checks.database.status).toBe('healthy');
  });

  it('rejects with the child\'s own error when the app cannot start', async () => {
    const databaseUrl = await createTestDatabase('included_api_bad');
    await expect(startIncludedApi({ databaseUrl, keys: 1, env: { RATE_LIMIT_READS_PER_MIN: 'lots' } }))
      .rejects.toThrow(/exited with code 104 before it was ready[\s\S]*RATE_LIMIT_READS_PER_MIN="lots" must be a whole number/);
  });
});
