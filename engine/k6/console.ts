/**
 * `console` as k6 gives it to scripts: each line on standard error in k6's log format
 * (logrus): `INFO[0003] message  source=console` on a terminal, else
 * `time="…" level=info msg="message" source=console`. `console.debug` shows only with
 * K6_LOG_LEVEL=debug (k6 shows it with --verbose); warn is level "warning".
 */
import { runtime } from '../runtime.ts';

type Level = 'debug' | 'info' | 'warning' | 'error';

function text(args: unknown[]): string {
  return args.map((a) => {
    if (typeof a === 'string') return a;
    if (a instanceof Error) return a.stack ?? a.message;
    if (a !== null && typeof a === 'object') { try { return JSON.stringify(a); } catch { return String(a); } }
    return String(a);
  }).join(' ');
}

function elapsedSeconds(): number {
  try { return Math.max(0, Math.floor((Date.now() - runtime().testStartedAt) / 1000)); } catch { return 0; }
}

/** One log line in k6's format. */
export function formatLogLine(level: Level, msg: string, tty: boolean, now = new Date(), elapsed = 0): string {
  if (tty) return `${level.slice(0, 4).toUpperCase()}[${String(elapsed).padStart(4, '0')}] ${msg.padEnd(40)} source=console\n`;
  return `time="${now.toISOString().replace(/\.\d+Z$/, 'Z')}" level=${level} msg=${JSON.stringify(msg)} source=console\n`;
}

export function k6Console(out: NodeJS.WriteStream = process.stderr): Record<string, (...a: unknown[]) => void> {
  const write = (level: Level) => (...args: unknown[]) => {
    if (level === 'debug' && (process.env.K6_LOG_LEVEL ?? '').toLowerCase() !== 'debug') return;
    out.write(formatLogLine(level, text(args), Boolean(out.isTTY), new Date(), elapsedSeconds()));
  };
  return { log: write('info'), info: write('info'), debug: write('debug'), warn: write('warning'), error: write('error') };
}
