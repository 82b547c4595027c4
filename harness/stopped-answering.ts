/**
 * A target that vanished mid-run (its process died, its host went away) is a failed
 * deployment, and the reason should say when: "stopped answering at t = 42 s". Read from the
 * run's time series: the second of the last answer (any HTTP status), followed to the end of
 * the run by requests that got no answer at all (status 0: refused, reset, timed out).
 */
import type { Timeseries } from './result-types.ts';

export interface StoppedAnswering {
  /** Seconds from the start of the run to the end of the last bucket with an answer. */
  atSeconds: number;
  /** Requests after that without an answer. */
  unanswered: number;
  /** The engine's error for them, the most frequent first (e.g. "dial: connection refused"). */
  errors: string[];
}

/** k6's error codes (the `error_code` tag the time series keeps) in words. */
const K6_ERROR_CODES: Record<string, string> = {
  '1000': 'unexpected EOF', '1050': 'request timeout', '1200': 'dial error', '1201': 'write: broken pipe',
  '1211': 'dial: i/o timeout', '1212': 'dial: connection refused', '1220': 'read: connection reset by peer',
};

/** Fewer unanswered requests than this after the last answer is a blip, not a target that is gone. */
const MIN_UNANSWERED = 5;

export function stoppedAnswering(ts: Timeseries | undefined): StoppedAnswering | undefined {
  if (!ts) return undefined;
  const reqs = ts.series.filter((s) => s.metric === 'http_reqs');
  let lastAnswer = -1;
  for (const s of reqs) {
    if (s.tags.status === '0') continue;
    for (let i = 0; i < s.t.length; i++) if (s.count[i]! > 0 && s.t[i]! > lastAnswer) lastAnswer = s.t[i]!;
  }
  if (lastAnswer < 0) return undefined;   // never answered: a wrong URL or a target down from the start, which setup reports
  let unanswered = 0;
  const byError = new Map<string, number>();
  for (const s of reqs) {
    if (s.tags.status !== '0') continue;
    for (let i = 0; i < s.t.length; i++) {
      if (s.t[i]! <= lastAnswer || !s.count[i]) continue;
      unanswered += s.count[i]!;
      const code = s.tags.error_code;
      const why = code ? `${K6_ERROR_CODES[code] ?? 'error'} (k6 error code ${code})` : 'no answer';
      byError.set(why, (byError.get(why) ?? 0) + s.count[i]!);
    }
  }
  if (unanswered < MIN_UNANSWERED) return undefined;
  return { atSeconds: lastAnswer + ts.bucketSeconds, unanswered, errors: [...byError].sort((a, b) => b[1] - a[1]).map(([e]) => e) };
}

/** The reason in words, for the verdict. */
export function describeStoppedAnswering(s: StoppedAnswering): string {
  return `the target stopped answering at t = ${s.atSeconds} s: ${s.unanswered} requests after it got no answer (${s.errors.join('; ')})`;
}
