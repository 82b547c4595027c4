// Globals k6 provides that @types/k6 does not declare: timers are globals since k6 0.51
// (also in `k6/timers`), and `console` logs to k6's logger.
declare global {
  function setTimeout(callback: (...args: unknown[]) => void, delayMs: number, ...args: unknown[]): number;
  function clearTimeout(id: number): void;
  const console: {
    log(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
    debug(...args: unknown[]): void;
  };
}
export {};
