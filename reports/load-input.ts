/**
 * Reads what a report is made from: a result folder (summary.json, timeseries.json,
 * meta.json, smoke.json, drills/*.json, gate.json), or a real k6 `--out json` recording (a
 * file, or a folder holding one), which is folded through the streaming bucketer. Every
 * string is scrubbed of secrets on the way in, so nothing later can leak one.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fail } from '../harness/errors.ts';
import type { DrillJournal, GateRecord, K6SummaryData, RunMeta, SmokeResult, Timeseries } from '../harness/result-types.ts';
import type { Target } from '../harness/target/types.ts';
import { foldNdjson } from '../harness/timeseries/ndjson.ts';
import { summaryFromFold } from './fold-summary.ts';
import { environmentSecrets, scrubDeep } from './secrets.ts';

export interface ReportInput {
  /** The folder the results came from (or the NDJSON file). */
  source: string;
  summary?: K6SummaryData;
  timeseries?: Timeseries;
  meta?: RunMeta;
  smoke?: SmokeResult;
  drills: DrillJournal[];
  gate?: GateRecord;
  /** The target the run checked (target.json): names endpoints, budgets and service timings in the verdict. */
  target?: Target;
  /** The target's own k6 scripts the gate ran, each from its `scripts/<name>/` folder. */
  scripts: ScriptRun[];
  /** Playwright traces under test-results/, relative to the result folder ("test-results/x/trace.zip"). */
  traces?: string[];
  /** Set when a k6 NDJSON recording was folded: its path, for the run facts. */
  foldedFrom?: string;
}

export interface ScriptRun {
  name: string;
  /** Relative to the result folder. */
  dir: string;
  summary?: K6SummaryData;
  meta?: RunMeta;
}

const RESULT_FILES = new Set(['summary.json', 'timeseries.json', 'meta.json', 'smoke.json', 'gate.json', 'target.json']);

function readJsonFile<T>(file: string): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw fail('SHIPCHECK_ERR_REPORT_BAD_JSON', { file, reason: (e as Error).message });
  }
}

/** The first line of a file (gunzipping when it starts with gzip's magic), at most 4 KiB read. */
function firstLine(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    let head = buf.subarray(0, n);
    if (head[0] === 0x1f && head[1] === 0x8b) {
      try { head = zlib.gunzipSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH }); } catch { return ''; }
    }
    return head.toString('utf8').split('\n', 1)[0] ?? '';
  } finally {
    fs.closeSync(fd);
  }
}

/** True when the file looks like k6 `--out json` output (its first line is a Metric or Point). */
export function isK6JsonOutput(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    const o = JSON.parse(firstLine(file));
    return (o?.type === 'Metric' || o?.type === 'Point') && typeof o.metric === 'string';
  } catch { return false; }
}

/** k6 NDJSON recordings directly inside a folder (not our own result files). */
export function findK6JsonOutputs(dir: string): string[] {
  return fs.readdirSync(dir)
    .filter((f) => !RESULT_FILES.has(f) && /\.(ndjson|jsonl|json)(\.gz)?$/i.test(f))
    .map((f) => path.join(dir, f))
    .filter(isK6JsonOutput)
    .sort();
}

export interface LoadOptions {
  secrets?: string[];
  onProgress?: (line: string) => void;
}

async function fold(file: string, opts: LoadOptions): Promise<{ summary: K6SummaryData; timeseries: Timeseries; meta: RunMeta }> {
  const started = Date.now();
  const f = await foldNdjson(file, {
    onProgress: (lines, bytes) => opts.onProgress?.(`folding ${path.basename(file)}: ${lines.toLocaleString('en-US')} lines, ${(bytes / 1048576).toFixed(0)} MiB read (${((Date.now() - started) / 1000).toFixed(0)} s)`),
  });
  const meta: RunMeta = {
    runId: path.basename(file).replace(/\.(ndjson|jsonl|json)(\.gz)?$/i, ''),
    kind: 'report',
    engine: 'k6 (from --out json)',
    startedAt: new Date(f.firstMs).toISOString(),
    endedAt: new Date(f.lastMs).toISOString(),
    // The recording does not say which machine ran it: zero cores reads as "not recorded".
    machine: { cores: 0, memoryBytes: 0, platform: '', node: '' },
    commandLine: [],
  };
  return { summary: summaryFromFold(f), timeseries: f.timeseries, meta };
}

/** The result folders of the target's own scripts, `scripts/<name>/`, in name order. */
function readScripts(dir: string): ScriptRun[] {
  const root = path.join(dir, 'scripts');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort().map((name) => ({
    name,
    dir: path.join('scripts', name),
    summary: readJsonFile<K6SummaryData>(path.join(root, name, 'summary.json')),
    meta: readJsonFile<RunMeta>(path.join(root, name, 'meta.json')),
  }));
}

/** Every trace.zip Playwright left under test-results/. */
function readTraces(dir: string): string[] {
  const root = path.join(dir, 'test-results');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((f) => path.basename(f) === 'trace.zip')
    .map((f) => path.posix.join('test-results', f.split(path.sep).join('/')))
    .sort();
}

export async function loadReportInput(source: string, opts: LoadOptions = {}): Promise<ReportInput> {
  const abs = path.resolve(source);
  if (!fs.existsSync(abs)) throw fail('SHIPCHECK_ERR_REPORT_INPUT', { path: source, reason: 'it does not exist' });
  const secrets = [...environmentSecrets(), ...(opts.secrets ?? [])];
  let input: ReportInput;
  if (fs.statSync(abs).isFile()) {
    if (!isK6JsonOutput(abs)) throw fail('SHIPCHECK_ERR_REPORT_INPUT', { path: source, reason: 'the file is not k6 --out json output (its first line is not a k6 Metric or Point)' });
    input = { source: abs, drills: [], scripts: [], foldedFrom: abs, ...(await fold(abs, opts)) };
  } else {
    const drillsDir = path.join(abs, 'drills');
    const drills = fs.existsSync(drillsDir)
      ? fs.readdirSync(drillsDir).filter((f) => f.endsWith('.json')).sort().map((f) => readJsonFile<DrillJournal>(path.join(drillsDir, f))!)
      : [];
    input = {
      source: abs,
      summary: readJsonFile<K6SummaryData>(path.join(abs, 'summary.json')),
      timeseries: readJsonFile<Timeseries>(path.join(abs, 'timeseries.json')),
      meta: readJsonFile<RunMeta>(path.join(abs, 'meta.json')),
      smoke: readJsonFile<SmokeResult>(path.join(abs, 'smoke.json')),
      gate: readJsonFile<GateRecord>(path.join(abs, 'gate.json')),
      target: readJsonFile<Target>(path.join(abs, 'target.json')),
      drills,
      scripts: readScripts(abs),
      traces: readTraces(abs),
    };
    if (!input.summary || !input.timeseries) {
      const [recording] = findK6JsonOutputs(abs);
      if (recording) {
        const folded = await fold(recording, opts);
        input.summary ??= folded.summary;
        input.timeseries ??= folded.timeseries;
        input.meta ??= folded.meta;
        input.foldedFrom = recording;
      }
    }
    if (!input.summary && !input.timeseries && !input.smoke && !input.gate && drills.length === 0) {
      throw fail('SHIPCHECK_ERR_REPORT_INPUT', { path: source, reason: 'the folder holds none of summary.json, timeseries.json, smoke.json, gate.json, drills/*.json or a k6 --out json file' });
    }
  }
  return scrubDeep(input, secrets);
}
