/**
 * k6/timers: setTimeout/setInterval and their clears. Node's timers already keep the async
 * context, so a VU's callbacks see that VU.
 */
export function setTimeout(fn: (...a: unknown[]) => void, ms = 0, ...args: unknown[]): NodeJS.Timeout {
  return globalThis.setTimeout(fn, ms, ...args);
}
export function clearTimeout(t: NodeJS.Timeout | undefined): void { globalThis.clearTimeout(t); }
export function setInterval(fn: (...a: unknown[]) => void, ms = 0, ...args: unknown[]): NodeJS.Timeout {
  return globalThis.setInterval(fn, ms, ...args);
}
export function clearInterval(t: NodeJS.Timeout | undefined): void { globalThis.clearInterval(t); }

export default { setTimeout, clearTimeout, setInterval, clearInterval };
