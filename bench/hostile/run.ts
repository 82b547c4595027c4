/**
 * Hostile-input bench: `node --import tsx bench/hostile/run.ts [--cases 10000] [--seed 11]`
 *
 * Builds the included API on a throwaway embedded PostgreSQL, listens on 127.0.0.1:0, and sends
 * it `--cases` hostile requests over real HTTP (the classes in hostile-cases.ts, on every route
 * of `app.routeTable`), one at a time. Prints the answers by status, every failure (a 5xx, a
 * request closed without an answer, a rejected write that changed a stored row), and the heap
 * after a full GC at the warm-up and at the end. Exit 1 when anything failed.
 * Figures go to out/bench/hostile-<time>.json.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { build } from '../../app/build.ts';
import { loadConfig } from '../../app/config.ts';
import { provisionPostgres } from '../../harness/postgres/provision.ts';
import { projectRoot } from '../../harness/project-root.ts';
import { runHostileCases } from './run-hostile-cases.ts';
import { storedRowsChecksum } from './stored-rows.ts';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '10000' }, seed: { type: 'string', default: '11' } } });
const numRuns = Number(values.cases);
const seed = Number(values.seed);
const keys = { valid: 'bench-hostile-key-0123456789', other: 'bench-hostile-key-abcdefghij' };
const mb = (n: number) => (n / 2 ** 20).toFixed(1);

const db = await provisionPostgres({ name: `bench-hostile-${process.pid}`, ephemeral: true, ignoreDatabaseUrl: true, log: () => {} });
let failed = true;
try {
  const app = await build(loadConfig({
    DATABASE_URL: db.url, API_KEY: keys.valid, API_KEYS: keys.other, LOG_LEVEL: 'silent',
    LOCAL_PROVIDER_LATENCY_MS: '0', LOCAL_PROVIDER_JITTER_MS: '0',
    // The limiter still runs on every request but never rejects, so cases reach validation.
    RATE_LIMIT_READS_PER_MIN: '1000000000', RATE_LIMIT_GENERATIONS_PER_HOUR: '1000000000',
  }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    for (let i = 0; i < 40; i++) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/content/generate', headers: { authorization: `Bearer ${keys.valid}` }, payload: { topic: `seeded ${i}`, content_type: 'faq', user_id: `learner-${i % 5}` } });
      if (res.statusCode !== 201) throw new Error(`seeding answered ${res.statusCode}: ${res.body}`);
    }
    console.log(`${numRuns} hostile cases (seed ${seed}) on ${app.routeTable.length} routes of the included API at http://127.0.0.1:${port}`);
    const run = await runHostileCases({
      port, routes: app.routeTable, keys, numRuns, seed, checksum: () => storedRowsChecksum(client), warmup: 500,
      onProgress: (n) => { if (n % 1000 === 0) console.log(`  ${n} sent`); },
    });
    const sent = run.cases - run.unsendable;
    console.log(`\n$ node --import tsx bench/hostile/run.ts --cases ${numRuns} --seed ${seed}`);
    console.log(`sent ${sent} cases in ${run.seconds.toFixed(1)} s (${run.unsendable} generated cases node:http refused to send)`);
    console.log(`answers by status: ${Object.entries(run.byStatus).sort().map(([s, n]) => `${s}: ${n}`).join(', ')}`);
    const fivexx = Object.entries(run.byStatus).filter(([s]) => Number(s) >= 500).reduce((a, [, n]) => a + n, 0);
    console.log(`5xx: ${fivexx}; closed without an answer: ${run.byStatus.none ?? 0}; failures: ${run.failures.length}`);
    console.log(`heap after full GC: ${mb(run.heap.baselineBytes)} MB after the warm-up → ${mb(run.heap.afterBytes)} MB at the end (${run.heap.afterBytes >= run.heap.baselineBytes ? '+' : ''}${mb(run.heap.afterBytes - run.heap.baselineBytes)} MB)`);
    for (const f of run.failures.slice(0, 20)) console.log(`  FAIL ${f.label}: ${f.problem}\n       ${f.request}\n       after: ${f.previous}`);
    const file = path.join(projectRoot, 'out', 'bench', `hostile-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ numRuns, seed, ...run }, null, 2));
    console.log(`figures: ${path.relative(projectRoot, file)}`);
    failed = run.failures.length > 0;
  } finally {
    await client.end();
    await app.close();
  }
} finally {
  await db.stop();
}
process.exitCode = failed ? 1 : 0;
