/** The Node engine's entry: one process (default) or `workers` threads splitting the load. */
import { runTest, type RunOptions, type RunResult } from './runner.ts';

export interface EngineOptions extends RunOptions {
  /** Worker threads; 1 runs everything in this thread. */
  workers?: number;
}

export async function runEngine(o: EngineOptions): Promise<RunResult> {
  if ((o.workers ?? 1) > 1) {
    const { runWithWorkers } = await import('./workers.ts');
    return runWithWorkers(o, o.workers!);
  }
  return runTest(o);
}
