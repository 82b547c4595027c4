/**
 * Starts the included API as a child process (`shipcheck serve --port 0 --ready-json`), so
 * load generators never share its event loop. The smoke suites, the engine's `load` command
 * and the DR drills all start the target through this one function.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeExit, fail } from './errors.ts';
import { projectRoot } from './project-root.ts';
import { redactText } from './redact.ts';

export interface IncludedApi {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** The first key of the pool (API_KEY). */
  apiKey: string;
  /** Every accepted key, one per simulated user. */
  apiKeys: string[];
  /** The serve process's pid. */
  pid: number;
  /** SIGTERM, then wait for the API and its PostgreSQL to stop (SIGKILL after 30 s). */
  stop(): Promise<void>;
}

export interface IncludedApiOptions {
  /** Content rows to seed after migrating. */
  seed?: number;
  /** Extra environment for the app (LOCAL_PROVIDER_LATENCY_MS, AI_PROVIDER_URL, RATE_LIMIT_*, ...). */
  env?: Record<string, string>;
  /** Use this PostgreSQL; without it the child runs its own throwaway embedded cluster (or DATABASE_URL if set). */
  databaseUrl?: string;
  /** How many API keys to issue (default 500). */
  keys?: number;
  /** Receives each line the child prints (keys redacted). */
  log?: (line: string) => void;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
/** Above this many bytes of keys, pass them in a file rather than the environment. */
const MAX_ENV_KEYS_BYTES = 64 * 1024;

export async function startIncludedApi(opts: IncludedApiOptions = {}): Promise<IncludedApi> {
  const count = Math.max(1, opts.keys ?? 500);
  const apiKeys = Array.from({ length: count }, (_, i) => `sc_u${i}_${crypto.randomBytes(12).toString('base64url')}`);
  const [apiKey] = apiKeys;

  const env: Record<string, string | undefined> = { ...process.env, LOG_LEVEL: 'warn', ...opts.env, API_KEY: apiKey, API_KEYS: undefined, API_KEYS_FILE: undefined };
  let keysFile: string | undefined;
  const joined = apiKeys.slice(1).join(',');
  if (joined.length > MAX_ENV_KEYS_BYTES) {
    keysFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-keys-')), 'keys.txt');
    fs.writeFileSync(keysFile, apiKeys.join('\n'), { mode: 0o600 });
    env.API_KEYS_FILE = keysFile;
  } else {
    env.API_KEYS = joined;
  }
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;

  const args = [path.join(projectRoot, 'bin', 'shipcheck.mjs'), 'serve', '--port', '0', '--ready-json'];
  if (!opts.databaseUrl && !env.DATABASE_URL) args.push('--ephemeral-db');
  if (opts.seed) args.push('--seed', String(opts.seed));

  const child = spawn(process.execPath, args, { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const log = opts.log ?? (() => {});
  const cleanupKeys = () => { if (keysFile) fs.rmSync(path.dirname(keysFile), { recursive: true, force: true }); keysFile = undefined; };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => { cleanupKeys(); r({ code, signal }); }));
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);

  const ready = new Promise<{ url: string; pid: number }>((resolve) => {
    const onLine = (line: string, fromStdout: boolean) => {
      const shown = redactText(line, apiKeys.slice(0, 1));
      tail.push(shown);
      if (tail.length > 20) tail.shift();
      // The ready handshake is for us, not the user; echoing "listening on" would also make a
      // job that runs the API look like a server to tools that watch for that line.
      if (!(fromStdout && (line.startsWith('{') || line.startsWith('listening on ')))) log(shown);
      if (fromStdout && line.startsWith('{')) {
        try {
          const msg = JSON.parse(line) as { url?: string; pid?: number };
          if (msg.url && msg.pid) resolve({ url: msg.url, pid: msg.pid });
        } catch { /* a log line, not the ready line */ }
      }
    };
    lines(child.stdout!, (l) => onLine(l, true));
    lines(child.stderr!, (l) => onLine(l, false));
  });

  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then((r) => ({ kind: 'ready' as const, ...r })),
    exited.then((e) => ({ kind: 'exited' as const, ...e })),
    new Promise<{ kind: 'timeout' }>((r) => { timer = setTimeout(() => r({ kind: 'timeout' }), READY_TIMEOUT_MS); }),
  ]);
  clearTimeout(timer);

  if (outcome.kind !== 'ready') {
    if (outcome.kind === 'timeout') {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      child.kill('SIGKILL');
    }
    process.off('exit', killOnExit);
    cleanupKeys();
    const what = outcome.kind === 'timeout' ? `was not ready within ${READY_TIMEOUT_MS / 1000} s` : `${describeExit(outcome.code, outcome.signal)} before it was ready`;
    throw fail('SHIPCHECK_ERR_INCLUDED_API', { what, tail: tail.join('\n') || '(no output)' });
  }

  let stopping: Promise<void> | undefined;
  return {
    url: outcome.url,
    apiKey,
    apiKeys,
    pid: outcome.pid,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          if (!(await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]))) {
            child.kill('SIGKILL');
            await exited;
          }
        }
        process.off('exit', killOnExit);
        cleanupKeys();
      })();
      return stopping;
    },
  };
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  stream.on('end', () => { if (buf) onLine(buf); });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
