/**
 * How the example tests run things as a user would: a stand-in service as its own process
 * (waiting for its "listening on" line, never a fixed sleep), `shipcheck` commands as child
 * processes, and a copy of an example's config with loosened limits written beside the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../harness/project-root.ts';
import type { GateRecord } from '../../harness/result-types.ts';

export interface StandIn { url: string; child: ChildProcess; stop(): Promise<void> }

/** Starts `examples/<file>` (a stand-in) with `--defect`, resolving once it prints its URL. */
export function startStandIn(file: string, defect = '', env: NodeJS.ProcessEnv = {}): Promise<StandIn> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'examples', file), '--port', '0', ...(defect ? ['--defect', defect] : [])], {
    cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) { child.stdout!.off('data', onData); resolve({ url: m[1]!, child, stop }); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before listening:\n${output}`)));
  });
}

export interface CliRun { code: number | null; out: string }

/** Runs `shipcheck <args>` from the project root, as a user's terminal or CI would. */
export function shipcheck(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'shipcheck.mjs'), ...args], {
      cwd: projectRoot,
      // CI='' keeps Playwright from retrying a deliberately failing test.
      env: { ...process.env, CI: '', NO_COLOR: '1', PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out }));
  });
}

export const tempDir = (label: string) => fs.mkdtempSync(path.join(os.tmpdir(), `shipcheck-example-${label}-`));

/**
 * A config that imports an example's and changes some of its target's settings: the tests'
 * loosened limits, so a busy CI machine cannot flip a verdict. Written as TypeScript, like the
 * example itself, and loaded by shipcheck the same way.
 */
export function variantConfig(dir: string, exampleConfig: string, target: string, patch: Record<string, unknown>): string {
  const file = path.join(dir, 'shipcheck.config.ts');
  fs.writeFileSync(file, `import base from ${JSON.stringify(path.resolve(projectRoot, exampleConfig))};
const patch = ${JSON.stringify(patch, null, 2)};
const t = base.targets[${JSON.stringify(target)}];
export default { ...base, targets: { ${JSON.stringify(target)}: { ...t, ...patch } } };
`);
  return file;
}

export function gateRecord(dir: string): GateRecord {
  return JSON.parse(fs.readFileSync(path.join(dir, 'gate.json'), 'utf8')) as GateRecord;
}
