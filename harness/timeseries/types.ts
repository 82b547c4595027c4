import type { K6MetricType, Timeseries } from '../result-types.ts';

/**
 * The per-second bucketer both engines feed (the Node engine sample by sample; real k6 through
 * its `--out json` NDJSON). Memory grows with run seconds × series, never with sample count.
 */
export interface TimeseriesBucketerApi {
  /** `time` is epoch ms; tags are reduced to SERIES_TAG_KEYS inside. */
  add(metric: string, type: K6MetricType, contains: 'default' | 'time' | 'data', value: number, tags: Record<string, string>, time: number): void;
  toJSON(): Timeseries;
}
