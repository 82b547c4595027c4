import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { projectRoot } from '../../harness/project-root.ts';
import { createTestDatabase } from '../../harness/testing/test-database.ts';
import { runCli } from '../run-cli.ts';

describe('shipcheck serve', () => {
  it('prints the URL line and a generated key, answers, and stops cleanly on SIGINT', async () => {
    const databaseUrl = await createTestDatabase('serve_cmd');
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' };
    delete env.API_KEY;
    delete env.API_KEYS;
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin/shipcheck.mjs'), 'serve', '--port', '0', '--seed', '4'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { out += c; });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await vi.waitFor(() => expect(out).toMatch(/Ctrl-C stops/), { timeout: 60_000, interval: 100 });

    const url = out.match(/^listening on (http:\/\/127\.0\.0\.1:\d+)$/m)?.[1];
    const key = out.match(/^API key \(generated; set API_KEY to choose one\): (sc_\S+)$/m)?.[1];
    expect(url).toBeDefined();
    expect(key).toBeDefined();
    expect(out).toMatch(/Seeded 4 content rows/);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const list = await fetch(`${url}/api/v1/content?limit=10`, { headers: { authorization: `Bearer ${key}` } });
    expect((await list.json()).items.length).toBeGreaterThanOrEqual(4);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toMatch(/SIGINT received: stopping the API, then PostgreSQL/);
    expect(out).toMatch(/Stopped\./);
  });

  it('rejects bad flags and bad settings with one clear line and exit code 104', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((m: string) => { errors.push(m); });
    try {
      expect(await runCli(['serve', '--port', 'eighty'])).toBe(104);
      expect(await runCli(['serve', '--seed', '-3'])).toBe(104);
      expect(await runCli(['serve', '--bogus'])).toBe(104);
    } finally {
      spy.mockRestore();
    }
    expect(errors[0]).toMatch(/Invalid value for --port: "eighty"\. Give a whole number from 0 to 65535\./);
    expect(errors[1]).toMatch(/--seed/);
    expect(errors[2]).toBe('shipcheck: serve: unknown flag --bogus. Run "shipcheck serve --help" for its flags.');
  });
});
