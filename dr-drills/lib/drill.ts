/**
 * The runbook runtime every drill script uses: titled steps that print what they did and how
 * long it took, objectives checked against targets, cleanups that always run, and a journal
 * written however the drill ends — passed, failed an objective, broke, or Ctrl-C.
 */
import { isShipcheckError } from '../../harness/errors.ts';
import type { DrillJournal, DrillObjective, DrillStep } from '../../harness/result-types.ts';
import { writeJournal } from './journal.ts';

export interface DrillSpec {
  name: string;
  title: string;
  hypothesis: string;
  /** Result folder; the journal goes to `<out>/drills/<name>.json`. */
  out: string;
  /** Declared targets in seconds (rtoSeconds, rpoSeconds, ...). */
  targets: Record<string, number>;
  sabotage?: string;
  /** Where progress lines go (default stdout). */
  print?: (line: string) => void;
}

/** Exit codes of a drill script: the CLI passes them on. */
export const DRILL_EXIT = { pass: 0, fail: 1, error: 2 } as const;

/** Thrown when a drill must stop: the cause is already in the journal. */
export class DrillStopped extends Error {
  constructor(readonly verdict: 'fail' | 'error', message: string) { super(message); this.name = 'DrillStopped'; }
}

/** A checked objective that failed: the drill stops with verdict "fail", not "error". */
class ObjectiveFailed extends Error {}

type Say = (line: string) => void;
const MAX_STEP_OUTPUT = 20_000;

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export class Drill {
  readonly spec: DrillSpec;
  readonly journal: DrillJournal;
  private readonly cleanups: Array<{ label: string; fn: () => unknown }> = [];
  private finished: Promise<number> | undefined;
  readonly print: (line: string) => void;
  private current: DrillStep | undefined;
  private stepNumber = 0;

  constructor(spec: DrillSpec) {
    this.spec = spec;
    this.print = spec.print ?? ((l) => process.stdout.write(`${l}\n`));
    const now = new Date().toISOString();
    this.journal = {
      drill: spec.name,
      title: spec.title,
      hypothesis: spec.hypothesis,
      startedAt: now,
      endedAt: now,
      verdict: 'pass',
      steps: [],
      measurements: {},
      targets: { ...spec.targets },
      objectives: [],
      context: {},
      ...(spec.sabotage ? { sabotage: spec.sabotage } : {}),
    };
    this.print(`\n${spec.title}${spec.sabotage ? `  [sabotaged: ${spec.sabotage}]` : ''}`);
    this.print(`Hypothesis: ${spec.hypothesis}\n`);
  }

  /** Runs one titled step; its output lines are printed as they come and kept in the journal. */
  async step<T>(title: string, fn: (say: Say) => Promise<T> | T): Promise<T> {
    if (this.finished) throw new DrillStopped('error', 'the drill has already ended');
    const n = ++this.stepNumber;
    const started = Date.now();
    const step: DrillStep = { title, startedAt: new Date(started).toISOString(), endedAt: '', durationMs: 0, status: 'ok', output: '' };
    this.current = step;
    this.journal.steps.push(step);
    this.print(`▶ ${n}. ${title}`);
    const say: Say = (line) => {
      this.print(`   ${line}`);
      if (step.output.length < MAX_STEP_OUTPUT) step.output += `${step.output ? '\n' : ''}${line}`;
    };
    const close = (status: DrillStep['status']) => {
      step.status = status;
      step.endedAt = new Date().toISOString();
      step.durationMs = Date.now() - started;
      this.current = undefined;
    };
    try {
      const value = await fn(say);
      close('ok');
      this.print(`✔ ${n}. ${title} (${formatDuration(step.durationMs)})`);
      return value;
    } catch (e) {
      close('failed');
      if (this.finished) throw new DrillStopped('error', 'interrupted');
      const objective = e instanceof ObjectiveFailed;
      const message = objective ? e.message : isShipcheckError(e) ? e.message : (e as Error)?.stack ?? String(e);
      say(objective ? `objective failed: ${message}` : `error: ${message}`);
      this.print(`✘ ${n}. ${title} (${formatDuration(step.durationMs)})`);
      if (!objective) this.journal.error = isShipcheckError(e) ? e.message : (e as Error)?.message ?? String(e);
      throw new DrillStopped(objective ? 'fail' : 'error', message);
    }
  }

  /** Records an objective; the drill goes on either way and fails at the end if any failed. */
  objective(o: DrillObjective): boolean {
    this.journal.objectives.push(o);
    const line = `${o.passed ? 'PASS' : 'FAIL'} ${o.name}: ${o.observed} (target ${o.target})${o.detail ? ` — ${o.detail}` : ''}`;
    if (this.current) {
      this.print(`   ${line}`);
      this.current.output += `${this.current.output ? '\n' : ''}${line}`;
    } else this.print(line);
    return o.passed;
  }

  /** An objective the rest of the drill depends on: when it fails, the drill stops here with "fail". */
  require(o: DrillObjective): void {
    if (!this.objective(o)) throw new ObjectiveFailed(`${o.name}: ${o.observed} (target ${o.target})`);
  }

  measure(name: string, seconds: number): void {
    this.journal.measurements[name] = Math.round(seconds * 1000) / 1000;
  }

  context(key: string, value: string | number): void {
    this.journal.context![key] = value;
  }

  /** Registers a cleanup (stop a cluster, remove temp data); cleanups run last-in first-out. */
  defer(label: string, fn: () => unknown): void {
    this.cleanups.push({ label, fn });
  }

  /** Runs the cleanups, writes the journal and returns the exit code (0 pass, 1 fail, 2 error). */
  finish(stopped?: DrillStopped | Error | string): Promise<number> {
    this.finished ??= this.close(stopped);
    return this.finished;
  }

  private async close(stopped?: DrillStopped | Error | string): Promise<number> {
    if (this.current) {
      const s = this.current;
      s.status = 'failed';
      s.endedAt = new Date().toISOString();
      s.durationMs = Date.now() - Date.parse(s.startedAt);
      this.current = undefined;
    }
    if (typeof stopped === 'string') this.journal.error ??= stopped;
    else if (stopped && !(stopped instanceof DrillStopped)) this.journal.error ??= isShipcheckError(stopped) ? stopped.message : stopped.stack ?? stopped.message;
    const cleanupStarted = Date.now();
    for (const c of this.cleanups.splice(0).reverse()) {
      try { await c.fn(); } catch (e) { this.print(`   cleanup "${c.label}" failed: ${(e as Error).message}`); }
    }
    if (Date.now() - cleanupStarted > 500) this.print(`Cleaned up (${formatDuration(Date.now() - cleanupStarted)}).`);
    const failedObjectives = this.journal.objectives.filter((o) => !o.passed);
    const error = stopped instanceof DrillStopped ? stopped.verdict === 'error' : !!stopped;
    this.journal.verdict = error ? 'error' : failedObjectives.length ? 'fail' : 'pass';
    this.journal.endedAt = new Date().toISOString();
    let file: string;
    try {
      file = writeJournal(this.spec.out, this.journal);
    } catch (e) {
      // A journal the schema refuses is a harness bug: say so once and end (a throw here would
      // come back through onFatal to this same finish(), over and over).
      this.print(`shipcheck: ${isShipcheckError(e) ? e.message : (e as Error).stack ?? String(e)}`);
      return DRILL_EXIT.error;
    }
    this.print('');
    for (const [k, v] of Object.entries(this.journal.measurements)) {
      const t = this.journal.targets[k];
      this.print(`  ${k.padEnd(22)} ${String(v).padStart(10)} s${t !== undefined ? `   (target ≤ ${t} s)` : ''}`);
    }
    const verdictLine = this.journal.verdict === 'pass'
      ? `PASS: ${this.journal.objectives.length} objectives met.`
      : this.journal.verdict === 'fail'
        ? `FAIL: ${failedObjectives.map((o) => o.name).join(', ')}.`
        : `ERROR: ${this.journal.error ?? 'the drill did not complete'}`;
    this.print(`${this.spec.name}: ${verdictLine}\nJournal: ${file}`);
    return DRILL_EXIT[this.journal.verdict];
  }
}

let active: Drill | undefined;

// How a drill script ends when something throws: before a drill starts it is one line, exit 104
// for a bad flag or setting and 2 for what the harness lacks (a missing tool); once started, the
// drill cleans up and writes its journal.
const onFatal = (e: unknown) => {
  if ((e as Error)?.name === 'HelpShown') return;
  if (active) {
    void active.finish(e as Error).then((code) => { process.exitCode = code; }, (err: unknown) => {
      process.stderr.write(`shipcheck: the drill could not finish: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = DRILL_EXIT.error;
    });
    return;
  }
  process.stderr.write(`shipcheck: ${isShipcheckError(e) ? e.message : (e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = isShipcheckError(e) ? e.exitCode : DRILL_EXIT.error;
};
process.on('uncaughtException', onFatal);
process.on('unhandledRejection', onFatal);

/**
 * Starts a drill and takes charge of how the script ends: a step that throws, an uncaught
 * error or Ctrl-C all run the cleanups and write the journal before the process ends.
 */
export function startDrill(spec: DrillSpec): Drill {
  const drill = new Drill(spec);
  active = drill;
  // Ctrl-C in a terminal reaches the whole process group and `shipcheck drill` passes it on
  // too, so a second signal may arrive while cleaning up: it must not cut the cleanup short.
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    drill.print('');
    void drill.finish(`interrupted by ${signal}`).then(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // Re-raise with the default action so the parent sees how the drill ended.
      process.kill(process.pid, signal);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return drill;
}

/** The drill started in this process, for helpers that register cleanups. */
export function activeDrill(): Drill | undefined { return active; }
