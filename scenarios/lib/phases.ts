/**
 * Phases of a ramping test (baseline, peak, recovery, ...) as a tag, so thresholds can hold
 * the SLOs at the peak separately from the quiet start: `http_req_duration{slo:reads,phase:peak}`.
 * The phase is read from the scenario's elapsed time against the stages that define it.
 */
import exec from 'k6/execution';
import type { Stage } from 'k6/options';

export interface PhasedStage extends Stage {
  /** The phase requests made during this stage belong to. */
  phase: string;
}

/** k6 durations as the stages here use them: `90s`, `2m`, `1h30m`, `500ms`. */
export function seconds(duration: string): number {
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let m: RegExpExecArray | null;
  let matched = '';
  while ((m = re.exec(duration)) !== null) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n / 1000 : m[2] === 's' ? n : m[2] === 'm' ? n * 60 : n * 3600;
    matched += m[0];
  }
  if (matched !== duration) throw new Error(`"${duration}" is not a duration like 30s, 2m or 1h30m`);
  return total;
}

/** The stages without their phase names, for the executor. */
export function stagesOf(phased: readonly PhasedStage[]): Stage[] {
  return phased.map(({ duration, target }) => ({ duration, target }));
}

/** Total length of the stages, in seconds. */
export function totalSeconds(phased: readonly PhasedStage[]): number {
  return phased.reduce((s, p) => s + seconds(p.duration), 0);
}

/** The phase at `elapsedSeconds` into the scenario (the last one once the stages are over). */
export function phaseAt(phased: readonly PhasedStage[], elapsedSeconds: number): string {
  let end = 0;
  for (const p of phased) {
    end += seconds(p.duration);
    if (elapsedSeconds < end) return p.phase;
  }
  return phased[phased.length - 1]?.phase ?? 'none';
}

/** The phase now: time since this scenario started (after setup), against its stages. */
export function currentPhase(phased: readonly PhasedStage[]): string {
  return phaseAt(phased, (Date.now() - exec.scenario.startTime) / 1000);
}
