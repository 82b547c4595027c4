/**
 * What every `--out` output is: a listener that sees each sample as it is taken, and a stop
 * that flushes what is left. Outputs never slow the sample path: they buffer and write or
 * send on their own schedule, as k6's outputs do.
 */
import type { SampleListener } from '../runtime.ts';

export interface OutputSpec {
  /** k6's output name: json, csv, experimental-prometheus-rw, experimental-opentelemetry. */
  type: string;
  /** What follows "=" in `--out type=arg` (a file for json and csv). */
  arg?: string;
}

export interface OutputContext {
  /** Where K6_* settings are read: k6 reads them from the process environment. */
  env: Record<string, string | undefined>;
  /** The thresholds declared on a metric (for json's Metric lines). */
  thresholdsOf: (metric: string) => string[];
  /** Warnings while the test runs (an endpoint that refuses a push), one line each. */
  warn: (line: string) => void;
}

export interface Output {
  /** One line for the run's plan ("output: ..."), as k6 prints it. */
  description: string;
  listener: SampleListener;
  /** Flushes everything still buffered and releases files, timers and sockets. */
  stop(): Promise<void>;
}
