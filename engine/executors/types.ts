/** What every executor type provides (one file per type, registered by its k6 type string). */
import type { ScenarioRun } from '../scenario-run.ts';

/** The options every scenario takes (k6 defaults: startTime 0s, gracefulStop 30s, exec "default"). */
export interface BaseConfig {
  name: string;
  executor: string;
  startTime: number;
  gracefulStop: number;
  exec: string;
  env: Record<string, string>;
  tags: Record<string, string>;
  /** Planned length without gracefulStop (ms), for progress and meta.json. */
  plannedMs: number;
}

export interface Stage { duration: number; target: number }

export interface ExecutorType<C extends BaseConfig = BaseConfig> {
  readonly type: string;
  /** The executor's own keys with k6's defaults (documentation, and unknown-key checks). */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Raw scenario object → config, with every problem found (k6's Validate returns them all). */
  parse(raw: Record<string, unknown>, base: BaseConfig): { config: C; errors: string[] };
  /** One line on the load shape, as k6 prints it: "10 looping VUs for 30s (gracefulStop: 30s)". */
  describe(c: C): string;
  /** Most VUs this scenario can hold at once. */
  maxVus(c: C): number;
  /** Longest the scenario can take from its start, gracefulStop included (ms). */
  maxDurationMs(c: C): number;
  /** This worker's share (execution segment index of count) of VUs, iterations and rates. */
  split(c: C, index: number, count: number): C;
  run(c: C, s: ScenarioRun): Promise<void>;
}
