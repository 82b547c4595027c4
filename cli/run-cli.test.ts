import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
async function shipcheck(...args: string[]) {
  try {
    const { stdout, stderr } = await run('node', ['bin/shipcheck.mjs', ...args], { env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('shipcheck CLI', () => {
  it('lists its commands', async () => {
    const r = await shipcheck('help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: shipcheck <command>');
  });

  it('answers an unknown command with one line naming it and the known commands, exit 104', async () => {
    const r = await shipcheck('lod');
    expect(r.code).toBe(104);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('Unknown command "lod"');
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace for a known error
  });
});

describe('help', () => {
  it('gives a command its own usage, and lets a drill answer --help for itself', async () => {
    const own = await shipcheck('drill', '--help');
    expect(own.code).toBe(0);
    expect(own.stdout).toContain('Usage: shipcheck drill <name>|all');
    const drill = await shipcheck('drill', 'pitr', '--help');
    expect(drill.code).toBe(0);
    expect(drill.stdout).toContain('Usage: shipcheck drill pitr');
    expect(drill.stdout).toContain('--rpo-target');
  });
});
