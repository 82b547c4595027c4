/**
 * Writes a starter `shipcheck.config.ts`: TypeScript a user reads and edits, with a short
 * comment on each part, the seeds' SLOs and sizing written out, `defineConfig` imported from
 * 'shipcheck'. A file is only written once it passes the loader itself (imported, validated,
 * its target resolved), by way of a temporary file beside it that is then renamed into place.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fail, isShipcheckError } from '../errors.ts';
import type { DraftEndpoint } from './from-openapi.ts';
import { chooseTarget, loadConfigFile } from './load-config.ts';
import { DEFAULTS } from './resolve.ts';
import type { AuthConfig, EndpointConfig, ProbeConfig, Target } from './types.ts';

export interface ConfigDraft {
  /** The target's name (lowercase letters, digits and "-"). */
  name: string;
  description?: string;
  /** The `local` environment's base URL. */
  baseUrl: string;
  /** The document the draft was made from, for the file's opening comment. */
  source?: { location: string; version: string; title: string };
  auth: AuthConfig;
  authNote?: string;
  liveness: string | ProbeConfig;
  readiness?: string | ProbeConfig;
  healthNote?: string;
  endpoints: DraftEndpoint[];
  /** Operations left out, each with why. */
  skipped?: string[];
  pages: Array<{ key: string; path: string }>;
  /** Said about the pages (why there is none, or how `/` answered). */
  pageNote?: string;
}

/** A draft for a service nobody described yet: liveness at /health and one example endpoint. */
export function minimalDraft(name: string, baseUrl: string): ConfigDraft {
  return {
    name, baseUrl,
    auth: { type: 'none' },
    authNote: "No auth. For a bearer token read from $API_KEY: { type: 'bearer', tokenEnv: 'API_KEY', poolEnv: 'API_KEYS' }; for a header of your own: { type: 'header', header: 'X-API-Key', tokenEnv: 'API_KEY' }.",
    liveness: '/health',
    healthNote: 'Your liveness probe (and readiness: \'/ready\', when the service has one).',
    endpoints: [{ key: 'health', route: 'GET /health', summary: 'an example: the liveness route, called as a read', config: { path: '/health', weight: 1, expect: { status: 200 } } }],
    pages: [],
  };
}

// ------------------------------------------------------------------ rendering

const IDENT = /^[A-Za-z_$][\w$]*$/;
const str = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
const key = (k: string) => (IDENT.test(k) ? k : str(k));
/** A comment's text on one line, never closing a block comment. */
const oneLine = (s: string) => s.replace(/\s+/g, ' ').replace(/\*\//g, '* /').trim();
const num = (n: number) => (Number.isInteger(n) && Math.abs(n) >= 10_000 ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '_') : String(n));

/** A value as a one-line TypeScript literal. */
function lit(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number') return num(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(lit).join(', ')}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  return entries.length ? `{ ${entries.map(([k, x]) => `${key(k)}: ${lit(x)}`).join(', ')} }` : '{}';
}

/** Words wrapped into lines that fit within 100 columns after `prefix`. */
function wrap(prefix: string, text: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of oneLine(text).split(' ')) {
    if (line && prefix.length + line.length + 1 + word.length > 100) { out.push(`${prefix}${line}`); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(`${prefix}${line}`);
  return out;
}
const comment = (indent: string, text: string) => wrap(`${indent}// `, text);

/** The config file's text. `file` is how the user names it (for the next command in the opening comment). */
export function renderConfig(d: ConfigDraft, file: string): string {
  const t = '      ';
  const L: string[] = [];
  const from = d.source ? `from the ${d.source.version} document ${d.source.location} ("${d.source.title}")` : 'as a starter';
  L.push('/**');
  L.push(...wrap(' * ', `shipcheck config for "${d.name}", written by \`shipcheck init\` ${from}.`));
  L.push(...wrap(' * ', `It is yours to edit: add writes and journeys, tighten the SLOs, size the load for your service. \`shipcheck gate --config ${file}\` gates it. Every setting is described in shipcheck's README ("Describing a target"); your editor completes them through defineConfig.`));
  L.push(' */');
  L.push("import { defineConfig } from 'shipcheck';");
  L.push('');
  L.push('export default defineConfig({');
  L.push('  targets: {');
  L.push(`    ${key(d.name)}: {`);
  if (d.description) L.push(`${t}description: ${str(d.description.replace(/\s+/g, ' ').trim())},`);
  L.push(...comment(t, 'Where the service answers, per environment: --environment NAME picks one (local by default), --target URL overrides it.'));
  L.push(`${t}baseUrl: {`, `${t}  local: ${str(d.baseUrl)},`, `${t}  // staging: 'https://staging.example.org',`, `${t}},`);
  if (d.authNote) L.push(...comment(t, d.authNote));
  L.push(`${t}auth: ${lit(d.auth)},`);
  if (d.healthNote) L.push(...comment(t, d.healthNote));
  L.push(`${t}health: {`, `${t}  liveness: ${lit(d.liveness)},`);
  if (d.readiness) L.push(`${t}  readiness: ${lit(d.readiness)},`);
  L.push(`${t}},`);

  L.push(...comment(t, d.source
    ? 'Every GET the document describes that needs no parameters, as a read. weight: its share of the load; expect: what a right answer looks like. Add writes here (method, body), and journeys to chain them.'
    : 'Named requests: what load and smoke call. weight: its share of the load; expect: what a right answer looks like. Add your routes here, and journeys to chain them.'));
  L.push(`${t}endpoints: {`);
  for (const e of d.endpoints) {
    L.push(...comment(`${t}  `, `${e.route}${e.summary ? `: ${e.summary}` : ''}`));
    L.push(`${t}  ${key(e.key)}: ${lit(orderEndpoint(e.config))},`);
  }
  if (!d.source) L.push(`${t}  // items: { path: '/api/items', weight: 3, expect: { status: 200, contentType: 'application/json' } },`);
  L.push(`${t}},`);
  if (d.skipped?.length) {
    L.push(`${t}// Left out: a request needs values the document cannot give. Add them as endpoints with those values.`);
    for (const s of d.skipped) L.push(`${t}//   ${oneLine(s)}`);
  }

  if (d.pageNote) L.push(...comment(t, d.pageNote));
  if (d.pages.length) {
    L.push(`${t}// Opened in Chromium: axe (WCAG 2.1 AA) and web vitals, FCP < ${DEFAULTS.page.fcpMs / 1000} s and load < ${DEFAULTS.page.loadMs / 1000} s unless fcpMs or loadMs says otherwise.`);
    L.push(`${t}pages: {`, ...d.pages.map((p) => `${t}  ${key(p.key)}: ${lit({ path: p.path })},`), `${t}},`);
  }

  const { slo, sizing } = DEFAULTS;
  L.push(`${t}// What passes, from the seeds: every endpoint above is in the group "${DEFAULTS.group}".`);
  L.push(`${t}slo: {`);
  L.push(`${t}  groups: { ${DEFAULTS.group}: { p95Ms: ${slo.p95Ms}, p99Ms: ${slo.p99Ms} } }, // latency of the reads, in ms`);
  L.push(`${t}  errorRate: ${slo.errorRate}, // share of requests that may fail`);
  L.push(`${t}  checksRate: ${slo.checksRate}, // share of answers that must look right (expect)`);
  L.push(`${t}  healthP99Ms: ${slo.healthP99Ms}, // the health probes' p99`);
  L.push(`${t}},`);
  L.push(`${t}// What the service is sized for: the load shapes (users, throughput, spike, soak) are built from it.`);
  L.push(`${t}sizing: {`);
  L.push(`${t}  users: ${num(sizing.users)}, // concurrent users`);
  L.push(`${t}  requestsPerHour: ${num(sizing.requestsPerHour)}, // sustained arrivals`);
  L.push(`${t}  thinkTimeSeconds: ${lit(sizing.thinkTimeSeconds)}, // a user's pause between requests: uniform in [min, max]`);
  L.push(`${t}  spikeFactor: ${sizing.spikeFactor}, // spikes and stress go to this multiple of normal load`);
  L.push(`${t}},`);
  L.push('    },', '  },', '});', '');
  return L.join('\n');
}

/** Keys in the order a reader expects: where, whether it authenticates, how much, what is right. */
function orderEndpoint(e: EndpointConfig): EndpointConfig {
  const { method, path: p, query, headers, body, auth, weight, expect, ...rest } = e;
  return { method, path: p, query, headers, body, auth, weight, expect, ...rest };
}

// ------------------------------------------------------------------ writing

/** Refuses an existing `out` unless `force`: one clear error, before any work is done. */
export function refuseExisting(out: string, force: boolean): void {
  if (!force && fs.existsSync(out)) throw fail('SHIPCHECK_ERR_INIT_EXISTS', { file: out });
}

/**
 * Writes `text` to `out` only if it loads as a shipcheck config and its one target resolves;
 * returns that target. `source` names what the text was made from, for the error.
 */
export async function writeCheckedConfig(text: string, out: string, opts: { force: boolean; source: string }): Promise<Target> {
  const abs = path.resolve(out);
  const dir = path.dirname(abs);
  refuseExisting(abs, opts.force);
  try { fs.mkdirSync(dir, { recursive: true }); } catch (e) { throw fail('SHIPCHECK_ERR_INIT_WRITE', { file: out, reason: (e as Error).message }); }
  try {
    createRequire(path.join(dir, 'noop.js')).resolve('shipcheck/package.json');
  } catch {
    throw fail('SHIPCHECK_ERR_INIT_NO_PACKAGE', { file: out, dir });
  }
  const tmp = path.join(dir, `.shipcheck-init-${crypto.randomBytes(6).toString('hex')}${path.extname(abs)}`);
  try {
    try { fs.writeFileSync(tmp, text, { flag: 'wx' }); } catch (e) { throw fail('SHIPCHECK_ERR_INIT_WRITE', { file: out, reason: (e as Error).message }); }
    let target: Target;
    try {
      target = chooseTarget(await loadConfigFile(tmp));
    } catch (e) {
      if (!isShipcheckError(e)) throw e;
      throw fail('SHIPCHECK_ERR_INIT_CONFIG', { source: opts.source, file: out, reason: e.message.split(tmp).join(out) });
    }
    try {
      if (opts.force) fs.renameSync(tmp, abs);
      else {
        // No clobbering: link fails if another process wrote `out` meanwhile.
        fs.linkSync(tmp, abs);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw fail('SHIPCHECK_ERR_INIT_EXISTS', { file: out });
      throw fail('SHIPCHECK_ERR_INIT_WRITE', { file: out, reason: (e as Error).message });
    }
    return { ...target, configFile: abs };
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
