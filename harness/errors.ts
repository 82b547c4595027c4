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
    `Unknown command "${p.command}".${p.hint} The commands are: ${p.known} ("shipcheck help" describes them).`),
  SHIPCHECK_ERR_BAD_FLAG: def(EXIT.invalidConfig, (p) =>
    `${p.command}: ${p.detail}. Run "shipcheck ${p.command} --help" for its flags.`),
  SHIPCHECK_ERR_BAD_OPTION: def(EXIT.invalidConfig, (p) =>
    `Invalid value for ${p.option}: ${JSON.stringify(p.value)}. ${p.hint}`),
  SHIPCHECK_ERR_CONFIG: def(EXIT.invalidConfig, (p) =>
    `Invalid configuration: ${p.problems}. Fix the setting in shipcheck.config.ts, the SHIPCHECK_* variable or the flag named.`),
  SHIPCHECK_ERR_NO_CONFIG: def(EXIT.invalidConfig, (p) =>
    `No shipcheck.config.ts (nor .mts, .mjs, .js or .json) in ${p.dir}, so shipcheck does not know what to ${p.what}. Describe your service: "shipcheck init --target URL" (or "--from-openapi FILE") writes a starter; or pass --config FILE.`),
  SHIPCHECK_ERR_CONFIG_LOAD: def(EXIT.invalidConfig, (p) =>
    `Cannot load the config ${p.file}: ${p.reason}. ${p.fix}`),
  SHIPCHECK_ERR_CONFIG_INVALID: def(EXIT.invalidConfig, (p) =>
    `${p.file} has ${p.count} problem${p.count === 1 ? '' : 's'}:${p.details}\nFix ${p.count === 1 ? 'it' : 'them'} (every setting is described in README.md, "Describing a target").`),
  SHIPCHECK_ERR_TARGET_UNKNOWN: def(EXIT.invalidConfig, (p) =>
    `No target named "${p.name}" in ${p.file}${p.hint}; it describes ${p.known}. Pick one with --target NAME, or give --target URL to gate another address.`),
  SHIPCHECK_ERR_TARGET_AMBIGUOUS: def(EXIT.invalidConfig, (p) =>
    `${p.file} describes ${p.count} targets (${p.known}): pick one with --target NAME, or set gate.target in the file.`),

  // --- shipcheck init ---
  SHIPCHECK_ERR_OPENAPI_INPUT: def(EXIT.invalidConfig, (p) =>
    `Cannot use the OpenAPI document ${p.source}: ${p.reason}. ${p.fix} Nothing was written.`),
  SHIPCHECK_ERR_INIT_EXISTS: def(EXIT.invalidConfig, (p) =>
    `${p.file} already exists, and shipcheck init does not overwrite it. Pass --force to replace it, or --out FILE to write another file.`),
  SHIPCHECK_ERR_INIT_NO_PACKAGE: def(EXIT.invalidConfig, (p) =>
    `${p.file} would import { defineConfig } from 'shipcheck', but no shipcheck package resolves from ${p.dir}. Install it there (npm install --save-dev shipcheck), or write the config into a project that has it (--out FILE). Nothing was written.`),
  SHIPCHECK_ERR_INIT_CONFIG: def(EXIT.invalidConfig, (p) =>
    `The config made from ${p.source} does not pass shipcheck's own checks, so nothing was written to ${p.file}: ${p.reason}\nFix the document where it says, or write the config by hand.`),
  SHIPCHECK_ERR_INIT_WRITE: def(EXIT.harness, (p) =>
    `Cannot write ${p.file}: ${p.reason}.`),

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

  // --- reports and the time-series bucketer ---
  SHIPCHECK_ERR_NDJSON_READ: def(EXIT.invalidConfig, (p) =>
    `Cannot read the k6 JSON output ${p.file}: ${p.reason}. Pass a file written by "k6 run --out json=<file>" (plain or .gz).`),
  SHIPCHECK_ERR_NDJSON_EMPTY: def(EXIT.invalidConfig, (p) =>
    `${p.file} holds no k6 metric samples (${p.lines} lines read, ${p.bad} not k6 JSON output). Pass a file written by "k6 run --out json=<file>".`),
  SHIPCHECK_ERR_REPORT_INPUT: def(EXIT.invalidConfig, (p) =>
    `Cannot make a report from ${p.path}: ${p.reason}. Pass a result folder (with summary.json, timeseries.json, smoke.json or drills/) or a k6 --out json file.`),
  SHIPCHECK_ERR_REPORT_BAD_JSON: def(EXIT.invalidConfig, (p) =>
    `${p.file} is not valid JSON (${p.reason}). Re-run the step that wrote it, or remove the file.`),
  SHIPCHECK_ERR_BASELINE_NOT_COMPARABLE: def(EXIT.invalidConfig, (p) =>
    `The baseline ${p.baseline} measured something else: ${p.differences}. Compare with a run of the same load shape, profile and target, or pass --force-baseline to compare anyway.`),
  SHIPCHECK_ERR_HISTORY_INPUT: def(EXIT.invalidConfig, (p) =>
    `Cannot draw a history from ${p.paths}: ${p.reason}. Pass two or more result folders (or one folder of result folders), each with summary.json or timeseries.json.`),
  SHIPCHECK_ERR_OUTPUT_SPEC: def(EXIT.invalidConfig, (p) =>
    `--out ${p.value}: ${p.reason}. Write --out json=FILE, --out csv=FILE (FILE may end in .gz), --out experimental-prometheus-rw or --out experimental-opentelemetry; repeat --out for several.`),
  SHIPCHECK_ERR_OUTPUT_CONFIG: def(EXIT.invalidConfig, (p) =>
    `${p.output}: ${p.variable} is ${JSON.stringify(p.value)}, but ${p.reason}. ${p.hint}`),

  // --- smoke: browsers and the Playwright suites ---
  SHIPCHECK_ERR_NO_BROWSER: def(EXIT.harness, (p) =>
    `No browser found for the smoke suites (looked for Playwright's Chromium, CHROMIUM_PATH, ${p.looked}). Install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable. shipcheck never downloads browsers.`),
  SHIPCHECK_ERR_BROWSER_PATH: def(EXIT.harness, (p) =>
    `CHROMIUM_PATH is ${JSON.stringify(p.path)}, but ${p.reason}. Point CHROMIUM_PATH at a Chromium or Chrome executable (Debian's is /usr/bin/chromium), or unset it to let shipcheck look for one.`),
  SHIPCHECK_ERR_BROWSER_LAUNCH: def(EXIT.harness, (p) =>
    `Chromium at ${p.path} did not start: ${p.reason}. Check that it runs ("${p.path} --headless --no-sandbox --version"), reinstall it (apt-get install -y chromium), or set CHROMIUM_PATH to another Chromium.`),
  SHIPCHECK_ERR_SMOKE_RUNNER: def(EXIT.harness, (p) =>
    `The Playwright test runner ${p.how} without writing ${p.file}. Its output is above; the full log is ${p.log}.`),
  SHIPCHECK_ERR_SMOKE_RUNNER_FAILED: def(EXIT.harness, (p) =>
    `The Playwright test runner exited with code ${p.code} although no test failed (an error outside the tests). Its log is ${p.log}.`),
  SHIPCHECK_ERR_SMOKE_NO_TESTS: def(EXIT.invalidConfig, (p) =>
    `No smoke test matches --grep ${JSON.stringify(p.grep)}. The suites are tagged @smoke, @security, @a11y and @vitals; a --grep is a regular expression over test titles and tags.`),
  SHIPCHECK_ERR_SMOKE_UNREACHABLE: def(EXIT.harness, (p) =>
    `Cannot reach target "${p.target}" at ${p.url} (GET ${p.path}: ${p.reason}). Check its baseUrl in ${p.where} (or --target URL) and that the deployment is up and reachable from here.`),

  // --- scenarios: bundling and manifests ---
  SHIPCHECK_ERR_BUNDLE: def(EXIT.scriptException, (p) =>
    `Cannot bundle the scenario: ${p.where}${p.more}. Fix the source and run "shipcheck build" again.`),
  SHIPCHECK_ERR_BUNDLE_MANY: def(EXIT.scriptException, (p) =>
    `${p.count} scenarios failed to bundle:${p.details}\nFix the sources and run "shipcheck build" again.`),
  SHIPCHECK_ERR_SHAPE_UNKNOWN: def(EXIT.invalidConfig, (p) =>
    `No load shape or script named "${p.name}"${p.hint}. The shapes: ${p.shapes}${p.scripts}; or give the path of a k6 script (.js or .ts).`),
  SHIPCHECK_ERR_MANIFEST_TOO_BIG: def(EXIT.invalidConfig, (p) =>
    `The bundle ${p.file} is ${p.size} bytes, over the 1 MiB (1048576 bytes) a Kubernetes ConfigMap can hold. Package it with "k6 archive ${p.file}" and mount the archive from a volume instead of a ConfigMap.`),

  // --- engine results: metrics, thresholds, summary ---
  SHIPCHECK_ERR_THRESHOLDS_INVALID: def(EXIT.invalidConfig, (p) =>
    `options.thresholds has ${p.count} invalid entr${p.count === 1 ? 'y' : 'ies'}:${p.details}\nFix them (syntax: https://grafana.com/docs/k6/latest/using-k6/thresholds/), or run with --no-thresholds to skip thresholds.`),
  SHIPCHECK_ERR_METRIC_TYPE_CONFLICT: def(EXIT.scriptException, (p) =>
    `Metric "${p.name}" is already defined as a ${p.existing}, so it cannot be defined again as a ${p.requested}. Give the new metric another name.`),
  SHIPCHECK_ERR_METRIC_NAME_INVALID: def(EXIT.scriptException, (p) =>
    `Invalid metric name ${JSON.stringify(p.name)}: a name starts with an ASCII letter or an underscore, followed by 1 to 128 ASCII letters, digits or underscores (k6's rule).`),
  SHIPCHECK_ERR_SUMMARY_TREND_STATS: def(EXIT.invalidConfig, (p) =>
    `Invalid summaryTrendStats ${p.value}: ${p.detail}. Use avg, min, med, max, count or p(N) with N from 0 to 100, e.g. "avg,p(95),p(99.9)".`),

  // --- engine runtime: options, scripts, the k6 binary ---
  SHIPCHECK_ERR_ENGINE_OPTIONS: def(EXIT.invalidConfig, (p) =>
    `Invalid k6 options in ${p.script} (${p.count} problem${p.count === 1 ? '' : 's'}):${p.details}\nFix the script's options (executors: https://grafana.com/docs/k6/latest/using-k6/scenarios/executors/) or the command-line flags.`),
  SHIPCHECK_ERR_SCRIPT_EXCEPTION: def(EXIT.scriptException, (p) =>
    `The script threw in ${p.stage}: ${p.message}${p.location ? ` (at ${p.location})` : ''}. Fix the script at that line.`),
  SHIPCHECK_ERR_SCRIPT_NOT_FOUND: def(EXIT.invalidConfig, (p) =>
    `Script ${p.script} not found. Give the path of a k6 script (.js, .mjs or .ts).`),
  SHIPCHECK_ERR_SCRIPT_NO_EXEC: def(EXIT.scriptException, (p) =>
    `Scenario "${p.scenario}" runs the function "${p.exec}", which ${p.script} does not export. Export it, or set the scenario's exec to one of: ${p.exported}.`),
  SHIPCHECK_ERR_TARGET_REMOTE: def(EXIT.invalidConfig, (p) =>
    `Refusing to aim load at ${p.target}: it is not this machine (127.0.0.1, ::1 or localhost). Pass --allow-remote-target if you really mean to load that host.`),
  SHIPCHECK_ERR_K6_NOT_FOUND: def(EXIT.harness, (p) =>
    `--engine k6 needs a k6 binary v${p.min} or newer on PATH (${p.found}). Install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/), or use --engine node.`),
  SHIPCHECK_ERR_K6_RUN: def(EXIT.harness, (p) =>
    `k6 ${p.how} without writing ${p.file}. Its output is above.`),

  // --- the included API and `shipcheck serve` ---
  SHIPCHECK_ERR_APP_CONFIG: def(EXIT.invalidConfig, (p) =>
    `The included API's configuration is invalid: ${p.problems}. Fix the environment variables named.`),
  SHIPCHECK_ERR_APP_START: def(EXIT.harness, (p) =>
    `The included API could not start: ${p.reason}.`),
  SHIPCHECK_ERR_SERVE_LISTEN: def(EXIT.harness, (p) =>
    `shipcheck serve cannot listen on ${p.host}:${p.port}: ${p.reason}. Pick another port with --port (0 picks a free one).`),
  SHIPCHECK_ERR_INCLUDED_API: def(EXIT.harness, (p) =>
    `The included API child process (shipcheck serve) ${p.what}. Its last output:\n${p.tail}`),

  // --- result folders and the machine a run needs (issue 11) ---
  SHIPCHECK_ERR_OUT_DIR_UNWRITABLE: def(EXIT.harness, (p) =>
    `Cannot write the result folder ${p.dir}: ${p.reason}. Nothing was started. Pass --out DIR on a writable disk, or free the folder (check its permissions and that its file system is not mounted read-only).`),
  SHIPCHECK_ERR_OUT_DIR_FULL: def(EXIT.harness, (p) =>
    `The disk holding the result folder ${p.dir} has ${p.free} free, less than the ${p.need} a run needs for its results, report and traces. Nothing was started. Free space there, or pass --out DIR on another disk.`),
  SHIPCHECK_ERR_RESULT_WRITE: def(EXIT.harness, (p) =>
    `Cannot write ${p.file}: ${p.reason}. The results written before it are kept in ${p.dir}. ${p.fix}`),
  SHIPCHECK_ERR_OPEN_FILES: def(EXIT.harness, (p) =>
    `This run needs up to ${p.need} open files (${p.vus} VUs, each with its own connection, plus ${p.spare} for the process), but this shell allows ${p.limit} (ulimit -n); past that, connections fail with EMFILE. Fixes: raise the limit before running ("ulimit -n ${p.need}", or LimitNOFILE= in a systemd unit; the hard limit here is ${p.hard}), or split the VUs over several machines ("shipcheck manifest --parallelism N" writes a k6-operator TestRun that gives each of N runners its execution segment; by hand, k6 run --execution-segment on each machine). More worker threads do not help: they share this process's limit.`),

  SHIPCHECK_ERR_RATE_LIMIT_NO_KEY: def(EXIT.harness, (p) =>
    `The rate-limit check of ${p.target} (security.rateLimit ${p.route}) cannot run: it needs a key of its own, so that exhausting it does not starve the other checks, and the run has ${p.has}. This says nothing about the deployment. Set ${p.fix}, or run the other checks without it (--grep with a pattern that leaves it out).`),

  // --- disaster-recovery drills ---
  SHIPCHECK_ERR_DRILL_UNKNOWN: def(EXIT.invalidConfig, (p) =>
    `Unknown drill "${p.drill}". The drills are: ${p.known} (or "all").`),
  SHIPCHECK_ERR_DRILL_TOOL: def(EXIT.harness, (p) =>
    `${p.tool} ${p.major} not found (looked in ${p.where}${p.found ? `; found ${p.found}` : ''}). Install it: apt-get install postgresql-client-${p.major}.`),
  SHIPCHECK_ERR_DRILL_UNSAFE: def(EXIT.invalidConfig, (p) =>
    `Refusing to run the ${p.drill} drill against ${p.url}: drills destroy the database they use. Pass --i-know-this-destroys ${p.database} to allow it, or drop --database-url to let the drill create its own cluster.`),
  SHIPCHECK_ERR_DRILL_SABOTAGE: def(EXIT.invalidConfig, (p) =>
    `Unknown --sabotage "${p.kind}" for the ${p.drill} drill. Known kinds: ${p.known}.`),
  SHIPCHECK_ERR_DRILL_JOURNAL: def(EXIT.harness, (p) =>
    `The ${p.drill} drill's journal does not match its schema: ${p.reason}. This is a bug in the drill.`),
  SHIPCHECK_ERR_DRILL_NEEDS: def(EXIT.harness, (p) =>
    `The ${p.drill} drill needs ${p.what}: ${p.hint}`),
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

export function isShipcheckError(e: unknown): e is ShipcheckError {
  return e instanceof ShipcheckError;
}

/** Describes a child process exit in words, for messages ("exited with code 3", "was killed by SIGKILL"). */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `was killed by ${signal}`;
  return `exited with code ${code}`;
}
