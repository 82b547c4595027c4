/**
 * Secrets never leave the run (issue 11, item 5). The included API runs with recognisable
 * secrets — its API keys (the bearer tokens the suites send), the password in its DATABASE_URL
 * — and the gate is run against it with those keys, the same DATABASE_URL and a token of an
 * unrelated tool in its environment, in a config variant that fails on purpose (an endpoint
 * that expects the wrong status, page budgets no browser meets) so Playwright keeps the
 * traces of the failures. Then every byte the run left is searched: each file of the result
 * folder, each entry of every zip (traces, nested zips, the HTML report's embedded zip), and
 * the command's standard output and error.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../harness/project-root.ts';
import type { GateRecord } from '../harness/result-types.ts';
import { createTestDatabase } from '../harness/testing/test-database.ts';
import { tempDir } from '../examples/testing/run.ts';

const KEYS = ['sk_canary_key0_7d1f3b9e2a64c5', 'sk_canary_key1_0b5e9a7c3d21f8', 'sk_canary_key2_e4c2a9f06b7d13', 'sk_canary_key3_93ad5f1c7e0b62'];
const DB_PASSWORD = 'Pw_canary_db_5e8c21a9f4';
const OTHER_TOKEN = 'ghp_canaryToken0123456789abcdefABCDEF';

/** Where `needle` occurs in `data`, with nested zips and data-URL zips opened; each hit named by its path. */
function occurrences(data: Uint8Array, where: string, needles: string[], hits: string[]): void {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  for (const n of needles) if (buf.includes(n) || buf.includes(encodeURIComponent(n))) hits.push(`${where}: ${n}`);
  if (buf[0] === 0x50 && buf[1] === 0x4b) {
    for (const [name, entry] of Object.entries(unzipSync(data))) occurrences(entry, `${where}!${name}`, needles, hits);
  }
  if (/\.html?$/.test(where)) {
    for (const m of buf.toString('latin1').matchAll(/data:application\/zip;base64,([A-Za-z0-9+/=]+)/g)) occurrences(Buffer.from(m[1]!, 'base64'), `${where}#embedded-zip`, needles, hits);
  }
}

function scanFolder(dir: string, needles: string[]): { files: number; hits: string[] } {
  const hits: string[] = [];
  let files = 0;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    files++;
    const file = path.join(entry.parentPath, entry.name);
    occurrences(fs.readFileSync(file), path.relative(dir, file), needles, hits);
  }
  return { files, hits };
}

function waitForJsonLine(child: ReturnType<typeof spawn>): Promise<{ url: string }> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      for (const line of buf.split('\n')) if (line.startsWith('{') && line.includes('"url"')) resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before it was ready`)));
  });
}

/** The project's config, made to fail where Playwright keeps a trace: one endpoint expects 201, and no page meets its budgets. */
function failingConfig(dir: string): string {
  const file = path.join(dir, 'shipcheck.config.ts');
  fs.writeFileSync(file, `import base from ${JSON.stringify(path.join(projectRoot, 'shipcheck.config.ts'))};
const t = base.targets['la-factoria'];
const pages = Object.fromEntries(Object.entries(t.pages ?? {}).map(([k, p]) => [k, { ...p, fcpMs: 1, lcpMs: 1, loadMs: 1 }]));
export default { ...base, targets: { 'la-factoria': { ...t,
  endpoints: { ...t.endpoints, listContent: { ...t.endpoints.listContent, expect: { ...t.endpoints.listContent.expect, status: 201 } } },
  pages,
  smoke: { testMatch: [${JSON.stringify(path.join(projectRoot, 'smoke/la-factoria/*.spec.ts'))}] },
  load: { scripts: [${JSON.stringify(path.join(projectRoot, 'scenarios/la-factoria/content-lifecycle.ts'))}] },
} } };
`);
  return file;
}

describe('the secret scan itself', () => {
  it('finds a secret in plain text, URL-encoded, inside a zip inside a zip, and in an HTML report\'s embedded zip', () => {
    const inner = zipSync({ 'resources/req.json': strToU8(`{"authorization":"Bearer ${KEYS[1]}"}`) });
    const hits: string[] = [];
    occurrences(strToU8(`x ${KEYS[0]} y`), 'a.log', KEYS, hits);
    occurrences(strToU8(`postgres://u:${encodeURIComponent(DB_PASSWORD)}@h/db`), 'b.txt', [DB_PASSWORD], hits);
    occurrences(zipSync({ 'trace.zip': inner }), 'c.zip', KEYS, hits);
    occurrences(strToU8(`<a href="data:application/zip;base64,${Buffer.from(inner).toString('base64')}">`), 'index.html', KEYS, hits);
    expect(hits).toEqual([`a.log: ${KEYS[0]}`, `b.txt: ${DB_PASSWORD}`, `c.zip!trace.zip!resources/req.json: ${KEYS[1]}`, `index.html#embedded-zip!resources/req.json: ${KEYS[1]}`]);
  });
});

describe('secrets in a failing gate run', () => {
  let api: ReturnType<typeof spawn> | undefined;
  let apiUrl = '';
  let databaseUrl = '';

  beforeAll(async () => {
    // A role with a recognisable password owns the API's database.
    const admin = new URL(await createTestDatabase('secrets'));
    const db = admin.pathname.slice(1);
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    await c.query(`do $$ begin if not exists (select from pg_roles where rolname = 'canary_owner') then create role canary_owner login; end if; end $$`);
    await c.query(`alter role canary_owner password '${DB_PASSWORD}'`);
    await c.query(`alter database "${db}" owner to canary_owner`);
    await c.query('alter schema public owner to canary_owner');
    await c.end();
    const url = new URL(admin.toString());
    url.username = 'canary_owner';
    url.password = DB_PASSWORD;
    databaseUrl = url.toString();
    api = spawn(process.execPath, [path.join(projectRoot, 'bin', 'shipcheck.mjs'), 'serve', '--port', '0', '--ready-json', '--seed', '20'], {
      cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DATABASE_URL: databaseUrl, API_KEY: KEYS[0], API_KEYS: KEYS.join(','), NO_COLOR: '1' },
    });
    apiUrl = (await waitForJsonLine(api)).url;
  }, 120_000);

  afterAll(async () => {
    if (api && api.exitCode === null) await new Promise<void>((r) => { api!.once('exit', () => r()); api!.kill('SIGTERM'); });
  });

  it('leaves no API key, database password or token in any file, trace, zip entry or log line', async () => {
    const dir = tempDir('secrets');
    const out = path.join(dir, 'out');
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'shipcheck.mjs'), 'gate', '--config', failingConfig(dir), '--target', apiUrl, '--profile', 'test', '--out', out], {
      cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '', NO_COLOR: '1', PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', API_KEY: KEYS[0], API_KEYS: KEYS.join(','), DATABASE_URL: databaseUrl, GITHUB_TOKEN: OTHER_TOKEN },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const code = await new Promise<number | null>((r) => child.once('close', (c) => r(c)));

    // The deliberate failures happened, and Playwright kept their traces: there is something to search.
    expect(code, stdout + stderr).toBe(1);
    const record = JSON.parse(fs.readFileSync(path.join(out, 'gate.json'), 'utf8')) as GateRecord;
    expect(record.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/^la-factoria: smoke: .*GET \/api\/v1\/content.*status 200, expected 201/)]));
    const traces = fs.readdirSync(out, { recursive: true }).map(String).filter((f) => f.endsWith('trace.zip'));
    expect(traces.length, 'traces kept for the failed tests').toBeGreaterThan(0);

    const secrets = [...KEYS, DB_PASSWORD, OTHER_TOKEN];
    const { files, hits } = scanFolder(out, secrets);
    expect(files).toBeGreaterThan(10);
    expect(hits).toEqual([]);
    const logHits: string[] = [];
    occurrences(Buffer.from(stdout), 'stdout', secrets, logHits);
    occurrences(Buffer.from(stderr), 'stderr', secrets, logHits);
    expect(logHits).toEqual([]);
  }, 600_000);
});
