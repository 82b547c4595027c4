/**
 * The open-file preflight: the limit is read as the shell sees it (Node has no getrlimit), and a
 * run with more VUs than it allows is refused with the limit and the fixes named.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './project-root.ts';
import { assertOpenFiles, openFileLimit, SPARE_FILES } from './open-files.ts';

describe('open-file limit', () => {
  it('reads the same soft and hard limit as `ulimit -n` in a shell', () => {
    const [soft, hard] = execFileSync('sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' }).trim().split('\n');
    expect(openFileLimit()).toEqual({ soft: Number(soft), hard: hard === 'unlimited' ? 'unlimited' : Number(hard) });
  });

  it('reads a limit lowered in the shell that started the process', () => {
    const script = `import { openFileLimit } from ${JSON.stringify(path.join(projectRoot, 'harness', 'open-files.ts'))}; console.log(JSON.stringify(openFileLimit()));`;
    const out = execFileSync('sh', ['-c', 'ulimit -n 1024; exec "$@"', 'sh', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectRoot, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ soft: 1024, hard: 1024 });
  });

  it('lets a run through that fits, and refuses one that does not, naming the limit, EMFILE and the fixes', () => {
    const limit = { soft: 20_000, hard: 20_000 };
    expect(() => assertOpenFiles(20_000 - SPARE_FILES, limit)).not.toThrow();
    expect(() => assertOpenFiles(50_000, limit)).toThrow(
      'This run needs up to 50256 open files (50000 VUs, each with its own connection, plus 256 for the process), but this shell allows 20000 (ulimit -n); past that, connections fail with EMFILE. '
      + 'Fixes: raise the limit before running ("ulimit -n 50256", or LimitNOFILE= in a systemd unit; the hard limit here is 20000), or split the VUs over several machines ("shipcheck manifest --parallelism N" writes a k6-operator TestRun that gives each of N runners its execution segment; by hand, k6 run --execution-segment on each machine). '
      + 'More worker threads do not help: they share this process\'s limit.');
  });
});
