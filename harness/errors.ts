/**
 * The one registry of shipcheck's known errors. Each entry is a message template and the
 * exit code it carries; `runCli()` prints a known error as one clear line and exits with
 * its code. A message says what is wrong (naming the file, option or value) and what fixes it.
 * Exit codes follow k6 where k6 has one (104 invalid config, 107 script exception, ...).
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  harness: 2,
  thresholds: 99,
  setupTimeout: 100,
  teardownTimeout: 101,
  invalidConfig: 104,
  interrupted: 105,
  scriptException: 107,
  scriptAborted: 108,
} as const;

type Template = (p: Record<string, string | number>) => string;
interface ErrorDef { exitCode: number; message: Template }

const def = (exitCode: number, message: Template): ErrorDef => ({ exitCode, message });

export const errors = {
  // --- command line and config ---
  SHIPCHECK_ERR_UNKNOWN_COMMAND: def(EXIT.invalidConfig, (p) =>
    `Unknown command "${p.command}". Run "shipcheck help" to see the commands (${p.known}).`),
  SHIPCHECK_ERR_BAD_FLAG: def(EXIT.invalidConfig, (p) =>
    `${p.command}: ${p.detail}. Run "shipcheck ${p.command} --help" for its flags.`),
  SHIPCHECK_ERR_BAD_OPTION: def(EXIT.invalidConfig, (p) =>
    `Invalid value for ${p.option}: ${JSON.stringify(p.value)}. ${p.hint}`),

  // --- PostgreSQL provisioning ---
  SHIPCHECK_ERR_PG_UNREACHABLE: def(EXIT.harness, (p) =>
    `Cannot connect to the PostgreSQL at DATABASE_URL (${p.url}): ${p.reason}. Check that the server is running and the URL is right, or unset DATABASE_URL to let shipcheck start an embedded PostgreSQL.`),
  SHIPCHECK_ERR_PG_START: def(EXIT.harness, (p) =>
    `The embedded PostgreSQL in ${p.dataDir} did not start: ${p.reason}. Its log is ${p.log}.`),
  SHIPCHECK_ERR_PG_STALE: def(EXIT.harness, (p) =>
    `The PostgreSQL data directory ${p.dataDir} is still in use by process ${p.pid} (postmaster.pid). Stop that process, or remove ${p.dataDir} to start afresh.`),
  SHIPCHECK_ERR_PG_NO_USER: def(EXIT.harness, (p) =>
    `PostgreSQL refuses to run as root and there is no "postgres" user to run it as (${p.reason}). Create one with "useradd --system postgres", or run shipcheck as a non-root user.`),
  SHIPCHECK_ERR_PG_BINARIES: def(EXIT.harness, (p) =>
    `No embedded PostgreSQL binaries for ${p.platform}: ${p.reason}. Run "npm ci" again, or set DATABASE_URL to a PostgreSQL you run yourself.`),
} satisfies Record<string, ErrorDef>;

export type ErrorCode = keyof typeof errors;

/** A known error: its message is written for the user and printed as it is, without a stack. */
export class ShipcheckError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ShipcheckError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Builds the registered error `code` with the template's parameters. */
export function fail(code: ErrorCode, params: Record<string, string | number> = {}, cause?: unknown): ShipcheckError {
  const d = errors[code] as ErrorDef;
  return new ShipcheckError(code, d.message(params), d.exitCode, { cause });
}

/** Adds errors for one part of shipcheck (engine, smoke, drills, ...) to the registry. */
export function registerErrors<T extends Record<string, ErrorDef>>(defs: T): T {
  Object.assign(errors, defs);
  return defs;
}
export { def as defineError };

export function isShipcheckError(e: unknown): e is ShipcheckError {
  return e instanceof ShipcheckError;
}

/** Describes a child process exit in words, for messages ("exited with code 3", "was killed by SIGKILL"). */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `was killed by ${signal}`;
  return `exited with code ${code}`;
}
