/**
 * Background load from shipcheck's own engine (`shipcheck run dr-drills/load/steady-reads.js`),
 * run as a separate process so it never shares the drill's event loop. Its summary export
 * gives the requests made and failed while the drill broke things.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../harness/project-root.ts';
import type { Drill } from './drill.ts';

export interface EngineLoadResult { requests: number; failed: number; exitCode: number | null }
export interface EngineLoad { finish(): Promise<EngineLoadResult | undefined> }

const script = path.join(projectRoot, 'dr-drills', 'load', 'steady-reads.js');

/** Starts the engine when `shipcheck run` is installed; otherwise says so and returns a no-op. */
export async function startEngineLoad(drill: Drill, opts: { baseUrl: string; apiKeys: string[]; vus: number; seconds: number; rate?: number; say: (line: string) => void }): Promise<EngineLoad> {
  if (!opts.vus || !fs.existsSync(path.join(projectRoot, 'cli', 'commands', 'run.ts'))) {
    if (opts.vus) opts.say('engine load skipped: "shipcheck run" is not installed; the drill\'s own request streams measure the outage');
    return { finish: async () => undefined };
  }
  // Not under drills/: that folder holds journals only.
  const exportFile = path.join(drill.spec.out, 'drill-load', `${drill.spec.name}-summary.json`);
  fs.mkdirSync(path.dirname(exportFile), { recursive: true });
  fs.rmSync(exportFile, { force: true });
  const env = { BASE_URL: opts.baseUrl, API_KEYS: opts.apiKeys.join(','), RATE: String(opts.rate ?? opts.vus * 4), VUS: String(opts.vus), DURATION: `${Math.ceil(opts.seconds)}s` };
  const args = [path.join(projectRoot, 'bin', 'shipcheck.mjs'), 'run', script, '--quiet', '--summary-export', exportFile, ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`])];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: projectRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  drill.defer('stop the engine load', async () => { if (child.exitCode === null) { child.kill('SIGINT'); await exited; } });
  opts.say(`engine load: shipcheck run ${path.relative(projectRoot, script)} at ${env.RATE} req/s for ${env.DURATION}`);
  return {
    async finish() {
      if (child.exitCode === null) child.kill('SIGINT');   // k6 semantics: SIGINT ends the test early and still writes the summary
      const exitCode = await exited;
      try {
        const summary = JSON.parse(fs.readFileSync(exportFile, 'utf8')) as { metrics?: Record<string, Record<string, number>> };
        const reqs = summary.metrics?.http_reqs ?? {};
        const failed = summary.metrics?.http_req_failed ?? {};
        const requests = reqs.count ?? 0;
        // k6's legacy export counts a true sample of a Rate as a "pass": for http_req_failed, passes are failures.
        const failures = failed.passes ?? Math.round((failed.value ?? failed.rate ?? 0) * requests);
        return { requests, failed: failures, exitCode };
      } catch (e) {
        opts.say(`engine load ended (exit ${exitCode}) without a readable summary: ${(stderr.trim().split('\n').pop() ?? (e as Error).message)}`);
        return undefined;
      }
    },
  };
}
