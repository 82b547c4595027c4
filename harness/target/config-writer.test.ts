/**
 * The starter file: written only when it passes the loader, never over an existing file
 * without being told, never half-written; what it says loads back as the same target.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isShipcheckError } from '../errors.ts';
import { projectRoot } from '../project-root.ts';
import { minimalDraft, renderConfig, writeCheckedConfig, type ConfigDraft } from './config-writer.ts';
import { draftFromOpenApi, readOpenApiDocument } from './from-openapi.ts';
import { chooseTarget, loadConfigFile } from './load-config.ts';

/** A user's project folder with shipcheck installed (a link to this checkout). */
const made: string[] = [];
afterAll(() => { for (const d of made) fs.rmSync(d, { recursive: true, force: true }); });
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-writer-'));
  made.push(dir);
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(projectRoot, path.join(dir, 'node_modules', 'shipcheck'), 'dir');
  return dir;
}
const filesIn = (dir: string) => fs.readdirSync(dir).filter((f) => f !== 'node_modules').sort();

async function errorOf(p: Promise<unknown>): Promise<{ code: string; exitCode: number; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isShipcheckError(e)) return { code: e.code, exitCode: e.exitCode, message: e.message };
    throw e;
  }
  throw new Error('expected an error');
}

describe('writing a starter config', () => {
  it('writes the minimal starter, which loads back with the seeds\' SLOs and sizing written out', async () => {
    const dir = project();
    const out = path.join(dir, 'shipcheck.config.ts');
    const text = renderConfig(minimalDraft('chatbot', 'http://127.0.0.1:8080'), 'shipcheck.config.ts');
    const written = await writeCheckedConfig(text, out, { force: false, source: 'the starter template' });
    expect(fs.readFileSync(out, 'utf8')).toBe(text);
    expect(filesIn(dir)).toEqual(['shipcheck.config.ts']);
    expect(text).toContain("import { defineConfig } from 'shipcheck';");
    expect(text).toContain("// items: { path: '/api/items', weight: 3, expect: { status: 200, contentType: 'application/json' } },");
    expect(text).toMatch(/slo: \{\n\s+groups: \{ api: \{ p95Ms: 200, p99Ms: 500 \} \}, \/\/ .+\n\s+errorRate: 0\.01, \/\/ .+\n\s+checksRate: 0\.99, \/\/ .+\n\s+healthP99Ms: 100, \/\/ .+\n/);
    expect(text).toMatch(/sizing: \{\n\s+users: 500, \/\/ .+\n\s+requestsPerHour: 10_000, \/\/ .+\n\s+thinkTimeSeconds: \[1, 5\], \/\/ .+\n\s+spikeFactor: 3, \/\/ .+\n/);
    const target = chooseTarget(await loadConfigFile(out));
    expect(target).toMatchObject({
      name: 'chatbot', baseUrl: 'http://127.0.0.1:8080', baseUrls: { local: 'http://127.0.0.1:8080' }, auth: { type: 'none' },
      health: { liveness: { path: '/health' } },
      slo: { groups: { api: { p95Ms: 200, p99Ms: 500 } }, errorRate: 0.01, checksRate: 0.99, healthP99Ms: 100 },
      sizing: { users: 500, requestsPerHour: 10_000, thinkTimeSeconds: [1, 5], spikeFactor: 3 },
      pages: [],
    });
    expect(target.endpoints.map((e) => [e.key, e.name, e.weight, e.expect.status])).toEqual([['health', 'GET /health', 1, [200]]]);
    expect(written).toEqual({ ...target, configFile: out });
  });

  it('keeps quotes, backslashes and comment ends in the document\'s words from breaking the file', async () => {
    const dir = project();
    const out = path.join(dir, 'shipcheck.config.ts');
    const draft: ConfigDraft = {
      ...minimalDraft('odd-words', 'http://127.0.0.1:8080'),
      description: "It's a \\ back*/slash 'service'",
      source: { location: 'C:\\docs\\api */ odd.json', version: 'OpenAPI 3.0.3', title: 'Odd */ title' },
      endpoints: [{ key: 'items-all', route: 'GET /items', summary: 'Items */ and more\nover two lines', config: { path: "/it'ems", weight: 1 } }],
    };
    const target = await writeCheckedConfig(renderConfig(draft, 'shipcheck.config.ts'), out, { force: false, source: 'test' });
    expect(target.description).toBe("It's a \\ back*/slash 'service'");
    expect(target.endpoints.map((e) => [e.key, e.path])).toEqual([['items-all', "/it'ems"]]);
  });

  it('refuses an existing file unless forced, and then replaces it whole', async () => {
    const dir = project();
    const out = path.join(dir, 'shipcheck.config.ts');
    fs.writeFileSync(out, '// mine\n');
    const text = renderConfig(minimalDraft('api', 'http://127.0.0.1:3000'), 'shipcheck.config.ts');
    expect(await errorOf(writeCheckedConfig(text, out, { force: false, source: 'test' }))).toEqual({
      code: 'SHIPCHECK_ERR_INIT_EXISTS', exitCode: 104,
      message: `${out} already exists, and shipcheck init does not overwrite it. Pass --force to replace it, or --out FILE to write another file.`,
    });
    expect(fs.readFileSync(out, 'utf8')).toBe('// mine\n');
    await writeCheckedConfig(text, out, { force: true, source: 'test' });
    expect(fs.readFileSync(out, 'utf8')).toBe(text);
    expect(filesIn(dir)).toEqual(['shipcheck.config.ts']);
  });

  it('names what is wrong when a document yields a config the loader refuses, and writes nothing', async () => {
    const dir = project();
    const out = path.join(dir, 'shipcheck.config.ts');
    const source = path.join(import.meta.dirname, 'fixtures', 'comma-path-openapi30.json');
    const doc = await readOpenApiDocument(source);
    const draft: ConfigDraft = { name: 'odd-paths', baseUrl: 'http://127.0.0.1:3000', pages: [], ...draftFromOpenApi(doc, { tokenEnv: 'API_KEY' }) };
    const e = await errorOf(writeCheckedConfig(renderConfig(draft, 'shipcheck.config.ts'), out, { force: false, source }));
    expect(e.code).toBe('SHIPCHECK_ERR_INIT_CONFIG');
    expect(e.exitCode).toBe(104);
    expect(e.message).toBe(`The config made from ${source} does not pass shipcheck's own checks, so nothing was written to ${out}: ${out} has 1 problem:\n`
      + '  - targets.odd-paths.endpoints.itemsAll.path: "/items,all" holds a "," or an unmatched brace, which k6 threshold keys cannot carry\n'
      + 'Fix it (every setting is described in README.md, "Describing a target").\nFix the document where it says, or write the config by hand.');
    expect(filesIn(dir)).toEqual([]);
  });

  it('refuses to write where the config\'s import of shipcheck would not resolve', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-bare-'));
    made.push(dir);
    const out = path.join(dir, 'shipcheck.config.ts');
    const e = await errorOf(writeCheckedConfig(renderConfig(minimalDraft('api', 'http://127.0.0.1:3000'), 'shipcheck.config.ts'), out, { force: false, source: 'test' }));
    expect(e).toEqual({
      code: 'SHIPCHECK_ERR_INIT_NO_PACKAGE', exitCode: 104,
      message: `${out} would import { defineConfig } from 'shipcheck', but no shipcheck package resolves from ${dir}. Install it there (npm install --save-dev shipcheck), or write the config into a project that has it (--out FILE). Nothing was written.`,
    });
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
