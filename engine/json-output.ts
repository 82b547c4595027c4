/**
 * `--out json=FILE`: k6's NDJSON, one Metric line before a metric's first Point, then one
 * Point per sample (gzip when the name ends in .gz). Buffered: lines go out in ~64 KB writes.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { mayHoldUrlSecret, redactUrl } from '../harness/redact.ts';
import type { MetricDef, Tags } from './metrics/types.ts';
import type { SampleListener } from './runtime.ts';

/** A credential in a URL (user:password@, ?api_key=) never reaches the file; other URLs stay exactly as k6 writes them. */
function safeTagsJson(tags: Tags): string {
  const { url, name } = tags;
  const risky = (v: unknown): v is string => typeof v === 'string' && mayHoldUrlSecret(v);
  if (!risky(url) && !risky(name)) return JSON.stringify(tags);
  return JSON.stringify({ ...tags, ...(risky(url) ? { url: redactUrl(url) } : {}), ...(risky(name) ? { name: redactUrl(name) } : {}) });
}

export class JsonOutput {
  private readonly out: NodeJS.WritableStream;
  private readonly file: fs.WriteStream;
  private buf = '';
  private readonly announced = new Set<number>();

  constructor(path: string, private readonly thresholdsOf: (metric: string) => string[]) {
    this.file = fs.createWriteStream(path);
    if (path.endsWith('.gz')) {
      const gz = zlib.createGzip();
      gz.pipe(this.file);
      this.out = gz;
    } else this.out = this.file;
  }

  readonly listener: SampleListener = (def: MetricDef, value: number, tags: Tags, time: number) => {
    if (!this.announced.has(def.id)) {
      this.announced.add(def.id);
      this.buf += `${JSON.stringify({ type: 'Metric', data: { name: def.name, type: def.type, contains: def.contains, thresholds: this.thresholdsOf(def.name), submetrics: null }, metric: def.name })}\n`;
    }
    this.buf += `{"metric":${JSON.stringify(def.name)},"type":"Point","data":{"time":"${new Date(time).toISOString()}","value":${value},"tags":${safeTagsJson(tags)}}}\n`;
    if (this.buf.length > 65536) this.flush();
  };

  private flush(): void {
    if (this.buf) this.out.write(this.buf);
    this.buf = '';
  }

  async close(): Promise<void> {
    this.flush();
    await new Promise<void>((resolve, reject) => {
      this.file.once('close', resolve);
      this.file.once('error', reject);
      this.out.end();
    });
  }
}
