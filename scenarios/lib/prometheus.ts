/**
 * Prometheus text exposition (`/metrics`), read by the resource sampler: the lines
 * `name{label="value",...} value [timestamp]`, comments skipped. Hand-written because k6
 * cannot load the npm parsers (they need Node), and the format is small. Pure: no k6 or Node
 * imports, so vitest tests it directly.
 */

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_:]*/;
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

function parseValue(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (raw === '+Inf' || raw === 'Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  if (raw === 'NaN') return NaN;
  const n = Number(raw);
  return raw !== '' && !Number.isNaN(n) ? n : undefined;
}

/** `{a="1",b="x\"y"}` starting at `line[start]`; the labels and where the closing brace ends, or undefined when malformed. */
function parseLabels(line: string, start: number): { labels: Record<string, string>; end: number } | undefined {
  const labels: Record<string, string> = {};
  let i = start + 1;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const name = LABEL_NAME.exec(line.slice(i));
    if (!name) return undefined;
    i += name[0].length;
    while (line[i] === ' ') i++;
    if (line[i] !== '=') return undefined;
    i++;
    while (line[i] === ' ') i++;
    if (line[i] !== '"') return undefined;
    i++;
    let value = '';
    for (;;) {
      const c = line[i];
      if (c === undefined) return undefined;
      if (c === '"') { i++; break; }
      if (c === '\\') {
        const next = line[i + 1];
        value += next === 'n' ? '\n' : (next ?? '');
        i += 2;
      } else {
        value += c;
        i++;
      }
    }
    labels[name[0]] = value;
  }
}

/** Every sample in an exposition; lines that are not samples (comments, blanks, garbage) are skipped. */
export function parsePrometheusText(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const name = NAME.exec(line);
    if (!name) continue;
    let rest = name[0].length;
    let labels: Record<string, string> = {};
    if (line[rest] === '{') {
      const parsed = parseLabels(line, rest);
      if (!parsed) continue;
      labels = parsed.labels;
      rest = parsed.end;
    }
    const value = parseValue(line.slice(rest).trim().split(/\s+/)[0]);
    if (value === undefined) continue;
    out.push({ name: name[0], labels, value });
  }
  return out;
}

function matches(sample: PromSample, labels: Record<string, string>): boolean {
  for (const k in labels) if (sample.labels[k] !== labels[k]) return false;
  return true;
}

/** The sum of the series named `name` that carry every label in `labels`; undefined when none does. */
export function sumMatching(samples: readonly PromSample[], name: string, labels: Record<string, string> = {}): number | undefined {
  let sum: number | undefined;
  for (const s of samples) if (s.name === name && matches(s, labels)) sum = (sum ?? 0) + s.value;
  return sum;
}

/** A histogram's cumulative buckets: upper bounds ascending (the last is +Inf) and the count at or below each. */
export interface Buckets { bounds: number[]; counts: number[] }

/** The `<name>_bucket` series matching `labels`, summed per `le`; undefined when there are none. */
export function histogramBuckets(samples: readonly PromSample[], name: string, labels: Record<string, string> = {}): Buckets | undefined {
  const byLe = new Map<number, number>();
  const bucket = `${name}_bucket`;
  for (const s of samples) {
    if (s.name !== bucket || !matches(s, labels)) continue;
    const le = parseValue(s.labels.le);
    if (le === undefined || Number.isNaN(le)) continue;
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  if (byLe.size === 0) return undefined;
  const bounds = [...byLe.keys()].sort((a, b) => a - b);
  return { bounds, counts: bounds.map((b) => byLe.get(b)!) };
}

/** What was observed between two scrapes of the same histogram (`first` the earlier): counts minus counts, per bound. */
export function bucketsSince(now: Buckets, first: Buckets | undefined): Buckets {
  if (!first) return now;
  const before = new Map(first.bounds.map((b, i) => [b, first.counts[i]!]));
  // A restarted service starts its counters from zero: then the whole of `now` is new.
  const reset = now.bounds.some((b, i) => now.counts[i]! < (before.get(b) ?? 0));
  return { bounds: now.bounds, counts: now.counts.map((c, i) => (reset ? c : c - (before.get(now.bounds[i]!) ?? 0))) };
}

/**
 * The q-quantile (0–1) of the observations in `b`, as Prometheus's histogram_quantile() gives
 * it: linear interpolation inside the bucket the rank falls in (from 0 in the first bucket);
 * a rank in the +Inf bucket gives the highest finite bound. Undefined without observations.
 */
export function histogramQuantile(q: number, b: Buckets): number | undefined {
  const n = b.bounds.length;
  const total = n ? b.counts[n - 1]! : 0;
  if (!(total > 0)) return undefined;
  const rank = q * total;
  let i = 0;
  while (i < n - 1 && b.counts[i]! < rank) i++;
  const upper = b.bounds[i]!;
  if (upper === Infinity) return i > 0 ? b.bounds[i - 1] : undefined;
  const lower = i > 0 ? b.bounds[i - 1]! : 0;
  if (i === 0 && upper <= 0) return upper;
  const below = i > 0 ? b.counts[i - 1]! : 0;
  const inBucket = b.counts[i]! - below;
  if (inBucket <= 0) return upper;
  return lower + (upper - lower) * ((rank - below) / inBucket);
}

/** Per-second rate of a counter between two readings; undefined when time did not move or the counter was reset. */
export function ratePerSecond(prev: { value: number; atMs: number }, now: { value: number; atMs: number }): number | undefined {
  const dt = (now.atMs - prev.atMs) / 1000;
  if (!(dt > 0) || now.value < prev.value) return undefined;
  return (now.value - prev.value) / dt;
}
