import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
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

describe('CLI consistency', () => {
  it('suggests the command meant by a typo', async () => {
    const r = await shipcheck('gaet');
    expect(r.code).toBe(104);
    expect(r.stderr.trim()).toMatch(/^shipcheck: Unknown command "gaet"\. Did you mean "shipcheck gate"\? The commands are: /);
  });

  it('suggests the flag meant by a typo, naming the command', async () => {
    const r = await shipcheck('gate', '--profle', 'test');
    expect(r.code).toBe(104);
    expect(r.stderr.trim()).toBe('shipcheck: gate: unknown flag --profle (did you mean --profile?). Run "shipcheck gate --help" for its flags.');
  });

  it('"shipcheck help <command>" prints the same help as "<command> --help", with every flag and its default', async () => {
    const names = fs.readdirSync(path.join(import.meta.dirname, 'commands')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => f.slice(0, -3));
    expect(names).toEqual(expect.arrayContaining(['build', 'drill', 'gate', 'init', 'load', 'manifest', 'report', 'run', 'serve', 'smoke']));
    for (const name of names) {
      const viaHelp = await shipcheck('help', name);
      const viaFlag = await shipcheck(name, '--help');
      expect(viaHelp.code, name).toBe(0);
      expect(viaHelp.stdout, name).toBe(viaFlag.stdout);
      const { default: command } = await import(`./commands/${name}.ts`);
      expect(viaHelp.stdout, name).toContain(`Usage: shipcheck ${name}`);
      expect(viaHelp.stdout, name).toContain('Exit codes: ');
      for (const [flag, def] of Object.entries(command.spec.flags as Record<string, { default?: string }>)) {
        expect(viaHelp.stdout, `${name} --${flag}`).toContain(`--${flag}`);
        if (def.default !== undefined) expect(viaHelp.stdout, `${name} --${flag} default`).toContain(`default: ${def.default}`);
      }
    }
  }, 120_000);
});
