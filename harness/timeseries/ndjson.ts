/**
 * Folds a real k6 `--out json` recording (NDJSON, plain or gzip) through the bucketer, one
 * line at a time: memory stays flat however large the file is. Besides the time series it
 * keeps what the summary needs and the bucketer drops: metric declarations (with their
 * thresholds) and per-check pass/fail counts.
 */
import fs from 'node:fs';
import stream from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { fail } from '../errors.ts';
import type { K6MetricType, Timeseries } from '../result-types.ts';
import { TimeseriesBucketer, type BucketerOptions } from './bucketer.ts';

export interface NdjsonMetricDecl {
  name: string;
  type: K6MetricType;
  contains: 'default' | 'time' | 'data';
  thresholds: string[];
}

export interface NdjsonFold {
  timeseries: Timeseries;
  metrics: Record<string, NdjsonMetricDecl>;
  /** Pass/fail per check, keyed by group path and check name (k6 tags `group` and `check`). */
  checks: Array<{ group: string; name: string; passes: number; fails: number }>;
  lines: number;
  points: number;
  /** Lines that were not k6 JSON output (blank lines excluded). */
  badLines: number;
  firstMs: number;
  lastMs: number;
}

/** True when the file starts with gzip's magic bytes (or is named *.gz). */
export function isGzipFile(file: string): boolean {
  if (file.endsWith('.gz')) return true;
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(2);
    return fs.readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * k6 writes RFC 3339 times with nanoseconds and an offset ("2023-09-08T21:03:10.549397854+02:00").
 * Parsing the whole-second part once per distinct second keeps this off the profile.
 */
export function makeTimeParser(): (s: string) => number {
  let lastKey = '';
  let lastBase = NaN;
  return (s: string) => {
    const dot = s.indexOf('.', 17);
    if (dot < 0) return Date.parse(s);
    let end = dot + 1;
    while (end < s.length && s.charCodeAt(end) >= 48 && s.charCodeAt(end) <= 57) end++;
    const key = s.slice(0, dot) + s.slice(end);
    if (key !== lastKey) { lastKey = key; lastBase = Date.parse(key); }
    return lastBase + Number(`0.${s.slice(dot + 1, end)}`) * 1000;
  };
}

export interface FoldOptions extends BucketerOptions {
  /** Called about every `progressEvery` lines (for a progress line). */
  onProgress?: (lines: number, bytesRead: number) => void;
  progressEvery?: number;
}

export async function foldNdjson(file: string, opts: FoldOptions = {}): Promise<NdjsonFold> {
  let raw: fs.ReadStream;
  let gz: boolean;
  try {
    fs.accessSync(file, fs.constants.R_OK);
    gz = isGzipFile(file);
    raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  } catch (e) {
    throw fail('SHIPCHECK_ERR_NDJSON_READ', { file, reason: (e as Error).message });
  }
  // pipeline() destroys the gunzip stream when the file stream fails, so iterating it rejects.
  const input: AsyncIterable<Buffer> = gz ? stream.pipeline(raw, zlib.createGunzip(), () => {}) : raw;

  const bucketer = new TimeseriesBucketer(opts);
  const parseTime = makeTimeParser();
  const metrics: Record<string, NdjsonMetricDecl> = {};
  const checks = new Map<string, { group: string; name: string; passes: number; fails: number }>();
  let lines = 0, points = 0, badLines = 0;
  let firstMs = Infinity, lastMs = -Infinity;
  const every = opts.progressEvery ?? 200_000;

  const decoder = new StringDecoder('utf8');
  let rest = '';
  const handle = (line: string): void => {
    lines++;
    if (opts.onProgress && lines % every === 0) opts.onProgress(lines, raw.bytesRead);
    if (line.length === 0) return;
    let o: { type?: string; metric?: string; data?: Record<string, unknown> };
    try { o = JSON.parse(line); } catch { badLines++; return; }
    if (o.type === 'Point' && o.data && typeof o.metric === 'string') {
      const decl = metrics[o.metric];
      const d = o.data as { time?: string; value?: number; tags?: Record<string, string> | null };
      if (!decl || typeof d.value !== 'number' || typeof d.time !== 'string') { badLines++; return; }
      const t = parseTime(d.time);
      const tags = d.tags ?? {};
      bucketer.add(decl.name, decl.type, decl.contains, d.value, tags, t);
      points++;
      if (t < firstMs) firstMs = t;
      if (t > lastMs) lastMs = t;
      if (decl.name === 'checks' && tags.check !== undefined) {
        const key = `${tags.group ?? ''}\u0000${tags.check}`;
        let c = checks.get(key);
        if (!c) checks.set(key, (c = { group: tags.group ?? '', name: tags.check, passes: 0, fails: 0 }));
        if (d.value !== 0) c.passes++; else c.fails++;
      }
    } else if (o.type === 'Metric' && o.data) {
      const d = o.data as { name?: string; type?: K6MetricType; contains?: NdjsonMetricDecl['contains']; thresholds?: string[] | null };
      if (typeof d.name !== 'string' || !d.type) { badLines++; return; }
      metrics[d.name] = { name: d.name, type: d.type, contains: d.contains ?? 'default', thresholds: d.thresholds ?? [] };
    } else {
      badLines++;
    }
  };
  try {
    for await (const chunk of input) {
      const text = rest + decoder.write(chunk);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        handle(text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    rest += decoder.end();
    if (rest.length > 0) handle(rest);
  } catch (e) {
    throw fail('SHIPCHECK_ERR_NDJSON_READ', { file, reason: (e as Error).message });
  }
  if (points === 0) throw fail('SHIPCHECK_ERR_NDJSON_EMPTY', { file, lines, bad: badLines });
  return { timeseries: bucketer.toJSON(), metrics, checks: [...checks.values()], lines, points, badLines, firstMs, lastMs };
}
