/**
 * The Node version we promise is honest: every installed dependency (each path that
 * package-lock.json lists and node_modules holds) accepts the lowest Node our own `engines`
 * allows. `npm ci` only warns (EBADENGINE) when one does not; this test fails instead.
 * content-disposition@3 and cookie@2 (engines >= 22) were the reported cases: the lock keeps
 * content-disposition@1 (via @fastify/static 9) and cookie@1 (the light-my-request 6.6.0 override).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './project-root.ts';

const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string, options?: { includePrerelease?: boolean }): boolean;
  minVersion(range: string): { version: string } | null;
};

interface Installed { path: string; name: string; version: string; engines: string }

/** Every package the lock lists that is installed here, with its own package.json's engines.node. */
function installedWithEngines(root: string): { installed: Installed[]; lockEntries: number } {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const installed: Installed[] = [];
  let lockEntries = 0;
  for (const p of Object.keys(lock.packages)) {
    if (!p.startsWith('node_modules/')) continue;
    lockEntries++;
    const file = path.join(root, p, 'package.json');
    // Optional packages for other platforms (fsevents, @esbuild/darwin-arm64, ...) are in the lock but not installed.
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name: string; version: string; engines?: { node?: string } };
    installed.push({ path: p, name: pkg.name, version: pkg.version, engines: pkg.engines?.node ?? '*' });
  }
  return { installed, lockEntries };
}

/** "name@version needs Node RANGE" for each package whose engines.node excludes `node`. */
function excluding(node: string, packages: Installed[]): string[] {
  return packages.filter((p) => !semver.satisfies(node, p.engines, { includePrerelease: true }))
    .map((p) => `${p.name}@${p.version} (${p.path}) needs Node ${p.engines}`);
}

const root = projectRoot;
const ours = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lowest = semver.minVersion(ours.engines.node)!.version;

describe('dependencies run on Node 20', () => {
  it('our own engines start at Node 20', () => {
    expect(lowest).toBe('20.19.0');
  });

  it('every installed dependency accepts the lowest Node 20 our engines allow', () => {
    const { installed, lockEntries } = installedWithEngines(root);
    // The check reads what is really installed: the packages the reports were about are among them.
    expect(installed.length).toBeGreaterThan(lockEntries / 2);
    expect(installed.map((p) => p.name)).toEqual(expect.arrayContaining(['fastify', 'content-disposition', 'cookie', 'semver']));
    expect(excluding(lowest, installed)).toEqual([]);
  });

  it('names a dependency whose engines exclude Node 20 (the cases npm ci warned about)', () => {
    const reported: Installed[] = [
      { path: 'node_modules/content-disposition', name: 'content-disposition', version: '3.0.0', engines: '>=22' },
      { path: 'node_modules/fastify/node_modules/cookie', name: 'cookie', version: '2.0.0', engines: '>=22' },
      { path: 'node_modules/pg', name: 'pg', version: '8.23.1', engines: '>= 16.0.0' },
    ];
    expect(excluding('20.19.0', reported)).toEqual([
      'content-disposition@3.0.0 (node_modules/content-disposition) needs Node >=22',
      'cookie@2.0.0 (node_modules/fastify/node_modules/cookie) needs Node >=22',
    ]);
  });
});
