/** Long waits print a plain line every few seconds, so a CI log shows the drill is alive. */
export async function withProgress<T>(work: Promise<T>, say: (line: string) => void, label: string, everyMs = 5000): Promise<T> {
  const started = Date.now();
  const timer = setInterval(() => say(`${label}… ${Math.round((Date.now() - started) / 1000)} s`), everyMs);
  try { return await work; } finally { clearInterval(timer); }
}

/** Seconds between two epoch-ms instants, rounded to the millisecond. */
export const secondsBetween = (fromMs: number, toMs: number): number => Math.round(toMs - fromMs) / 1000;

/** Stops a background zx process with `signal` (if it still runs) and waits for it to end. */
export async function stopProcess(proc: { kill(signal?: NodeJS.Signals): Promise<void>; then: PromiseLike<unknown>['then'] }, signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
  try { await proc.kill(signal); } catch { /* already ended */ }
  try { await proc; } catch { /* its exit status is not ours to judge here */ }
}
