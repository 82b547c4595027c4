import path from 'node:path';
import { fail } from '../../harness/errors.ts';
import { DEFAULT_TOLERANCE, generateReport, type Tolerance } from '../../reports/index.ts';
import { generateHistory } from '../../reports/history.ts';
import type { Command } from '../run-cli.ts';
import { parseCommand, type CommandSpec } from '../flags.ts';

const spec = {
  name: 'report',
  summary: 'Write report.html, junit.xml and summary.md for a result folder or a k6 JSON recording',
  args: '<result-dir | k6-out.json[.gz]> | --history <result-dir>... | --history <folder of result folders>',
  description: `Writes report.html (one offline file), junit.xml and summary.md for a result folder
(summary.json, timeseries.json, meta.json, smoke.json, drills/, gate.json), or for a real
k6 run's "--out json" recording (plain or .gz, or a folder holding one), which is folded
in constant memory into summary.json/timeseries.json beside the report.

With --baseline, every key figure and each endpoint's p50/p95/p99, error rate and
requests/s are compared with that run; a regression beyond the tolerances fails the
verdict. A baseline of another load shape, profile or target is refused unless
--force-baseline is given. With --history, the folders given (or the result folders
inside the one folder given) are drawn as trends in history.html and history.md.`,
  flags: {
    baseline: { type: 'string', value: 'DIR', description: 'compare every key figure and each endpoint with this run; regressions beyond the tolerances fail the verdict' },
    'force-baseline': { type: 'boolean', description: 'compare with the baseline even when it ran another load shape, profile or target' },
    history: { type: 'boolean', description: 'draw the trend of the key figures across the result folders given (oldest first)' },
    out: { type: 'string', value: 'DIR', default: 'the result folder (a new out/<run-id> for a recording)', description: 'where to write' },
    'p95-tolerance': { type: 'string', value: 'PCT', default: String(DEFAULT_TOLERANCE.p95Pct), description: 'p95 may grow this many percent' },
    'error-rate-tolerance': { type: 'string', value: 'POINTS', default: String(DEFAULT_TOLERANCE.errorRatePoints), description: 'error rate may grow this many points' },
    'rps-tolerance': { type: 'string', value: 'PCT', default: String(DEFAULT_TOLERANCE.rpsPct), description: 'requests/s may fall this many percent' },
  },
  exitCodes: '0 pass · 99 thresholds crossed · 1 other failures (smoke, drills, regressions) · 2 harness error · 104 unreadable input or bad flag',
} satisfies CommandSpec;

function tolerance(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(n)) {
    throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: `--${flag}`, value, hint: 'Give a non-negative number, e.g. 10 or 0.5.' });
  }
  return n;
}

/** A live line on a terminal, a plain line every few seconds otherwise (CI logs). */
function progressPrinter(): { print: (line: string) => void; done: () => void } {
  const tty = Boolean(process.stderr.isTTY);
  let lastPlain = 0;
  let shown = false;
  return {
    print(line) {
      if (tty) { process.stderr.write(`\r\x1b[2K${line}`); shown = true; return; }
      if (Date.now() - lastPlain >= 5000) { lastPlain = Date.now(); console.error(line); }
    },
    done() { if (shown) process.stderr.write('\r\x1b[2K'); },
  };
}

const command: Command = {
  spec,
  async run(argv) {
    const { values, positionals } = parseCommand(spec, argv, true);
    if (values.history) {
      if (positionals.length === 0) throw fail('SHIPCHECK_ERR_BAD_FLAG', { command: 'report', detail: 'give the result folders to draw (or one folder of result folders) after --history' });
      const h = await generateHistory(positionals, { out: values.out });
      const rel = (p: string) => path.relative(process.cwd(), p) || p;
      console.log(`history of ${h.runs.length} runs: ${h.runs.map((r) => r.runId).join(', ')}`);
      console.log(`history: ${rel(h.files!.html)}`);
      console.log(`summary: ${rel(h.files!.markdown)}`);
      return 0;
    }
    if (positionals.length !== 1) {
      throw fail('SHIPCHECK_ERR_BAD_FLAG', { command: 'report', detail: positionals.length === 0 ? 'give the result folder (or k6 --out json file) to report on' : `give one result folder, not ${positionals.length} (${positionals.join(', ')})` });
    }
    const tol: Partial<Tolerance> = {};
    const p95 = tolerance('p95-tolerance', values['p95-tolerance']);
    const err = tolerance('error-rate-tolerance', values['error-rate-tolerance']);
    const rps = tolerance('rps-tolerance', values['rps-tolerance']);
    if (p95 !== undefined) tol.p95Pct = p95;
    if (err !== undefined) tol.errorRatePoints = err;
    if (rps !== undefined) tol.rpsPct = rps;
    const progress = progressPrinter();
    const started = performance.now();
    let result;
    try {
      result = await generateReport(positionals[0]!, { baseline: values.baseline, forceBaseline: values['force-baseline'] === true, out: values.out, tolerance: tol, onProgress: progress.print });
    } finally {
      progress.done();
    }
    const v = result.verdict;
    const rel = (p: string) => path.relative(process.cwd(), p) || p;
    console.log(`${v.status.toUpperCase()}${v.reasons.length ? `: ${v.reasons.length} reason${v.reasons.length === 1 ? '' : 's'}` : ''} (exit code ${v.exitCode})`);
    for (const r of v.reasons) console.log(`  - ${r}`);
    console.log(`report:  ${rel(result.files!.html)}`);
    console.log(`junit:   ${rel(result.files!.junit)}`);
    console.log(`summary: ${rel(result.files!.markdown)}`);
    console.log(`written in ${Math.round(performance.now() - started)} ms`);
    return v.exitCode;
  },
};

export default command;
