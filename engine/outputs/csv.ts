/**
 * `--out csv=FILE`: k6's CSV, one row per sample, with k6's columns — metric_name,
 * timestamp, metric_value, one column per system tag, then extra_tags (the other tags as
 * k=v&k=v) and metadata. k6's settings: K6_CSV_TIME_FORMAT (unix, unix_milli, unix_micro,
 * unix_nano, rfc3339, rfc3339_nano) and K6_CSV_SAVE_INTERVAL (1s); FILE ending in .gz
 * is gzipped.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { fail } from '../../harness/errors.ts';
import { mayHoldUrlSecret, redactUrl } from '../../harness/redact.ts';
import { parseDuration } from '../durations.ts';
import type { MetricDef, Tags } from '../metrics/types.ts';
import type { Output, OutputContext } from './types.ts';

/** The system tags k6 gives a column of their own, in k6's (alphabetical) order. */
export const CSV_TAG_COLUMNS = ['check', 'error', 'error_code', 'expected_response', 'group', 'method', 'name', 'proto', 'scenario', 'service', 'status', 'subproto', 'tls_version', 'url'] as const;
export const CSV_HEADER = ['metric_name', 'timestamp', 'metric_value', ...CSV_TAG_COLUMNS, 'extra_tags', 'metadata'];
const COLUMN = new Set<string>(CSV_TAG_COLUMNS);
const TIME_FORMATS = ['unix', 'unix_milli', 'unix_micro', 'unix_nano', 'rfc3339', 'rfc3339_nano'] as const;
type TimeFormat = (typeof TIME_FORMATS)[number];

/** A field as Go's encoding/csv writes it: quoted when it holds a comma, quote, CR or LF (or starts with a space). */
function field(s: string): string {
  return /[",\r\n]/.test(s) || s.startsWith(' ') ? `"${s.replace(/"/g, '""')}"` : s;
}

function timestamp(ms: number, format: TimeFormat): string {
  switch (format) {
    case 'unix': return String(Math.floor(ms / 1000));
    case 'unix_milli': return String(Math.floor(ms));
    case 'unix_micro': return String(Math.floor(ms * 1000));
    case 'unix_nano': return (BigInt(Math.floor(ms)) * 1_000_000n).toString();
    case 'rfc3339': return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    case 'rfc3339_nano': return new Date(ms).toISOString().replace(/\.?0*Z$/, 'Z');
  }
}

export function csvRow(def: MetricDef, value: number, tags: Tags, time: number, format: TimeFormat): string {
  const extra: string[] = [];
  for (const k of Object.keys(tags).sort()) if (!COLUMN.has(k)) extra.push(`${encodeURIComponent(k)}=${encodeURIComponent(tags[k]!)}`);
  // Keys in a URL's query (?api_key=) or its userinfo stay out of the file; other URLs as written.
  const cell = (k: string) => { const v = tags[k] ?? ''; return k === 'url' && mayHoldUrlSecret(v) ? redactUrl(v) : v; };
  const cells = [def.name, timestamp(time, format), value.toFixed(6), ...CSV_TAG_COLUMNS.map(cell), extra.join('&'), ''];
  return `${cells.map(field).join(',')}\n`;
}

export function csvOutput(file: string | undefined, ctx: OutputContext): Output {
  if (!file) throw fail('SHIPCHECK_ERR_OUTPUT_SPEC', { value: 'csv', reason: 'the CSV output needs a file' });
  const format = (ctx.env.K6_CSV_TIME_FORMAT ?? 'unix') as TimeFormat;
  if (!TIME_FORMATS.includes(format)) throw fail('SHIPCHECK_ERR_OUTPUT_CONFIG', { output: 'csv', variable: 'K6_CSV_TIME_FORMAT', value: format, reason: 'it is not a time format k6 knows', hint: `Use one of ${TIME_FORMATS.join(', ')}.` });
  const intervalMs = parseDuration(ctx.env.K6_CSV_SAVE_INTERVAL ?? '1s');
  if (intervalMs === undefined || intervalMs <= 0) throw fail('SHIPCHECK_ERR_OUTPUT_CONFIG', { output: 'csv', variable: 'K6_CSV_SAVE_INTERVAL', value: ctx.env.K6_CSV_SAVE_INTERVAL ?? '', reason: 'it is not a positive duration', hint: 'Write it as k6 does, e.g. 1s or 500ms.' });
  const sink = fs.createWriteStream(file);
  let out: NodeJS.WritableStream = sink;
  if (file.endsWith('.gz')) { const gz = zlib.createGzip(); gz.pipe(sink); out = gz; }
  let buf = `${CSV_HEADER.join(',')}\n`;
  const flush = () => { if (buf) out.write(buf); buf = ''; };
  const timer = setInterval(flush, intervalMs);
  timer.unref();
  return {
    description: `csv (${file})`,
    listener: (def, value, tags, time) => { buf += csvRow(def, value, tags, time, format); if (buf.length > 1 << 20) flush(); },
    async stop() {
      clearInterval(timer);
      flush();
      await new Promise<void>((resolve, reject) => { sink.once('close', resolve); sink.once('error', reject); out.end(); });
    },
  };
}
