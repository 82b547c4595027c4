/**
 * What an OpenAPI 3.x or Swagger 2.0 document says about a service, as the parts of a starter
 * config (`shipcheck init --from-openapi`): its health probes, every GET that needs no
 * parameters as a read endpoint, and its security scheme as auth. The document is read once
 * (a file, or one GET with a timeout), then dereferenced and validated by
 * @apidevtools/swagger-parser; anything that keeps it from being used is one clear error.
 */
import fs from 'node:fs';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { parse as parseYaml } from 'yaml';
import { fail } from '../errors.ts';
import type { AuthConfig, EndpointConfig, ProbeConfig } from './types.ts';

export interface OpenApiDocument {
  /** The file or URL it was read from, as given. */
  source: string;
  /** "OpenAPI 3.1.0", "Swagger 2.0". */
  version: string;
  title: string;
  description?: string;
  /** Dereferenced and validated. */
  api: ApiDocument;
}

/** The parts of a document this file reads (both versions), after dereferencing. */
interface ApiDocument {
  swagger?: string;
  openapi?: string;
  info: { title: string; version: string; description?: string };
  basePath?: string;
  servers?: Array<{ url: string; variables?: Record<string, { default: string }> }>;
  produces?: string[];
  security?: SecurityRequirement[];
  securityDefinitions?: Record<string, SecurityScheme>;
  components?: { securitySchemes?: Record<string, SecurityScheme> };
  paths?: Record<string, PathItem>;
}
type SecurityRequirement = Record<string, string[]>;
interface SecurityScheme { type: string; scheme?: string; in?: string; name?: string }
interface Parameter { name: string; in: string; required?: boolean; default?: unknown; schema?: { default?: unknown } }
interface Operation {
  operationId?: string;
  summary?: string;
  parameters?: Parameter[];
  security?: SecurityRequirement[];
  produces?: string[];
  responses?: Record<string, { schema?: unknown; content?: Record<string, unknown> }>;
}
type PathItem = { parameters?: Parameter[] } & Partial<Record<string, Operation>>;

const FETCH_TIMEOUT_MS = 10_000;
const DOC_FIX = 'Give --from-openapi an OpenAPI 3.x or Swagger 2.0 document: a .json or .yaml file, or the http(s) URL that serves it.';

const inputError = (source: string, reason: string, fix = DOC_FIX) => fail('SHIPCHECK_ERR_OPENAPI_INPUT', { source, reason, fix });
const firstLine = (s: string) => s.split('\n').map((l) => l.trim()).find(Boolean) ?? s;

async function readText(source: string, timeoutMs: number): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    const fix = 'Check that the service is up and that the URL is the one serving its document (e.g. http://127.0.0.1:3000/docs/json).';
    let res: Response;
    try {
      res = await fetch(source, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.5' } });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      const why = err.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : `the request failed (${err.cause?.code ?? err.cause?.message ?? err.message})`;
      throw inputError(source, why, fix);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw inputError(source, `it answered HTTP ${res.status}`, fix);
    }
    return res.text();
  }
  if (!fs.existsSync(source)) throw inputError(source, 'no such file', 'Check the path given to --from-openapi.');
  if (fs.statSync(source).isDirectory()) throw inputError(source, 'it is a directory', 'Give the document file itself.');
  return fs.readFileSync(source, 'utf8');
}

function parseText(source: string, text: string): unknown {
  // JSON when it looks like JSON (so its errors read as JSON errors), else YAML.
  const json = /\.json$/i.test(new URL(source, 'file:///').pathname) || /^\s*[[{]/.test(text);
  try {
    return json ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw inputError(source, `it is not valid ${json ? 'JSON' : 'YAML'} (${firstLine((e as Error).message).replace(/:$/, '')})`);
  }
}

/** Reads, dereferences and validates the document at `source` (a file path or an http(s) URL). */
export async function readOpenApiDocument(source: string, opts: { timeoutMs?: number } = {}): Promise<OpenApiDocument> {
  const value = parseText(source, await readText(source, opts.timeoutMs ?? FETCH_TIMEOUT_MS));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw inputError(source, `it is not an OpenAPI document (it holds ${Array.isArray(value) ? 'a list' : value === null ? 'nothing' : `a ${typeof value}`}, not an object)`);
  }
  const raw = value as Partial<ApiDocument>;
  if (raw.openapi === undefined && raw.swagger === undefined) {
    throw inputError(source, 'it is not an OpenAPI document (it has no "openapi" or "swagger" field)');
  }
  const version = raw.swagger !== undefined ? `Swagger ${raw.swagger}` : `OpenAPI ${raw.openapi}`;
  let api: ApiDocument;
  try {
    // The document was read once; its own $refs may name local files, never further URLs.
    const base = /^https?:\/\//i.test(source) ? source : path.resolve(source);
    api = await new SwaggerParser().validate(base, structuredClone(raw) as never, { resolve: { http: false } }) as unknown as ApiDocument;
  } catch (e) {
    const lines = String((e as Error).message).split('\n').map((l) => l.trim()).filter(Boolean);
    // "Swagger schema validation failed." heads a list of problems: the first one says most.
    const detail = lines[0]?.endsWith('validation failed.') && lines[1] ? `${lines[1]}${lines.length > 2 ? ` (and ${lines.length - 2} more)` : ''}` : (lines[0] ?? String(e));
    throw inputError(source, `it is not a valid ${version} document: ${detail}`, 'Fix the document (or the service that generates it) where the validator points.');
  }
  return { source, version, title: api.info.title, ...(api.info.description ? { description: api.info.description } : {}), api };
}

// ------------------------------------------------------------------ what the document says

export interface DraftEndpoint {
  key: string;
  /** "GET /path" as the document has it, and its summary: the comment above the entry. */
  route: string;
  summary?: string;
  config: EndpointConfig;
}

export interface OpenApiDraft {
  auth: AuthConfig;
  /** Why the auth is what it is, for a comment above it. */
  authNote: string;
  liveness: string | ProbeConfig;
  readiness?: string | ProbeConfig;
  /** Why the probes are the paths they are. */
  healthNote: string;
  endpoints: DraftEndpoint[];
  /** GET operations left out, each with why: "GET /items/{id}: needs the path parameter \"id\"". */
  skipped: string[];
}

const HEALTH_NAMES = ['livez', 'live', 'liveness', 'healthz', 'health', 'ping', 'status'];
const READINESS_NAMES = ['readyz', 'ready', 'readiness'];
const ENDPOINT_KEY = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/** The path prefix the document's routes sit under: Swagger 2's basePath, or the first server's path. */
function basePathOf(api: ApiDocument): string {
  let p = api.basePath ?? '';
  const server = api.servers?.[0];
  if (!api.swagger && server) {
    const url = server.url.replace(/\{([^}]+)\}/g, (_m, v: string) => server.variables?.[v]?.default ?? '');
    try { p = new URL(url, 'http://base.invalid').pathname; } catch { p = ''; }
  }
  return p.replace(/\/+$/, '');
}

interface Scheme { name: string; def: SecurityScheme }

/** The scheme shipcheck sends, from those the operations use (else those declared): bearer first, then a header key. */
function chooseScheme(api: ApiDocument, used: Set<string>): { scheme?: Scheme; usable: boolean } {
  const defs = api.components?.securitySchemes ?? api.securityDefinitions ?? {};
  const all = Object.entries(defs).map(([name, def]) => ({ name, def }));
  const pool = all.some((s) => used.has(s.name)) ? all.filter((s) => used.has(s.name)) : all;
  const rank = (s: Scheme) => {
    const { type, scheme, in: where } = s.def;
    if (type === 'http' && scheme?.toLowerCase() === 'bearer') return 0;
    if (type === 'apiKey' && where === 'header') return 1;
    if (type === 'oauth2' || type === 'openIdConnect') return 2;
    return 3;
  };
  const best = [...pool].sort((a, b) => rank(a) - rank(b))[0];
  return { scheme: best, usable: best !== undefined && rank(best) < 3 };
}

function authOf(scheme: Scheme | undefined, usable: boolean, tokenEnv: string): { auth: AuthConfig; note: string } {
  const poolEnv = `${tokenEnv}S`;
  const pool = `A pool spreads load over many keys: set ${poolEnv} to a comma-separated list of keys when the service limits each key's rate.`;
  if (!scheme) return { auth: { type: 'none' }, note: 'The document declares no security scheme, so requests go without credentials.' };
  const { type, scheme: httpScheme, in: where, name } = scheme.def;
  if (!usable) {
    const what = type === 'apiKey' ? `an API key in the ${where} "${name}"` : type === 'http' ? `HTTP ${httpScheme} authentication` : `"${type}" credentials`;
    return {
      auth: { type: 'none' },
      note: `The document's scheme "${scheme.name}" sends ${what}, which shipcheck cannot send (it sends a bearer token or a header), so requests go without credentials and the routes that need them are left out.`,
    };
  }
  if (type === 'apiKey') {
    return { auth: { type: 'header', header: name!, tokenEnv, poolEnv }, note: `The document's scheme "${scheme.name}": an API key in the header ${name}, read from $${tokenEnv}. ${pool}` };
  }
  const token = type === 'http' ? 'a bearer token' : `an ${type === 'oauth2' ? 'OAuth 2' : 'OpenID Connect'} access token, sent as a bearer token`;
  return { auth: { type: 'bearer', tokenEnv, poolEnv }, note: `The document's scheme "${scheme.name}": ${token}, read from $${tokenEnv}. ${pool}` };
}

/** camelCase from the path's words: /api/v1/metrics/educational → apiV1MetricsEducational. */
function keyFromPath(p: string): string {
  const words = p.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const key = words.map((w, i) => (i === 0 ? w[0]!.toLowerCase() + w.slice(1) : w[0]!.toUpperCase() + w.slice(1))).join('');
  return !key ? 'root' : /^[0-9]/.test(key) ? `_${key}` : key;
}

function expectationOf(api: ApiDocument, op: Operation): EndpointConfig['expect'] {
  const responses = op.responses ?? {};
  const ok = Object.keys(responses).filter((c) => /^2\d\d$/.test(c)).map(Number).sort((a, b) => a - b);
  const first = ok.length ? responses[String(ok[0])] : undefined;
  let types: string[] = [];
  if (first?.content) types = Object.keys(first.content);
  else if (first?.schema) types = op.produces ?? api.produces ?? [];
  types = types.map((t) => t.split(';')[0]!.trim().toLowerCase());
  const contentType = types.includes('application/json') ? 'application/json' : types.length === 1 ? types[0] : undefined;
  return {
    ...(ok.length ? { status: ok.length === 1 ? ok[0]! : ok } : {}),
    ...(contentType ? { contentType } : {}),
  };
}

/** The starter's parts from a validated document. `tokenEnv` names the variable holding the token. */
export function draftFromOpenApi(doc: OpenApiDocument, opts: { tokenEnv: string }): OpenApiDraft {
  const { api } = doc;
  const base = basePathOf(api);
  const gets: Array<{ path: string; op: Operation; params: Parameter[] }> = [];
  for (const [p, item] of Object.entries(api.paths ?? {})) {
    const op = item.get;
    if (!op) continue;
    // Operation parameters override the path's own of the same name and place.
    const params = new Map<string, Parameter>();
    for (const prm of [...(item.parameters ?? []), ...(op.parameters ?? [])]) params.set(`${prm.in}:${prm.name}`, prm);
    gets.push({ path: p, op, params: [...params.values()] });
  }

  const requirementsOf = (op: Operation) => op.security ?? api.security ?? [];
  const used = new Set(gets.flatMap((g) => requirementsOf(g.op).flatMap((r) => Object.keys(r))));
  const { scheme, usable } = chooseScheme(api, used);
  const { auth, note: authNote } = authOf(scheme, usable, opts.tokenEnv);
  const hasAuth = auth.type !== 'none';
  /** true: needs our scheme; false: public (or credentials optional); undefined: needs credentials shipcheck cannot send. */
  const needsAuth = (op: Operation): boolean | undefined => {
    const reqs = requirementsOf(op);
    if (reqs.length === 0 || reqs.some((r) => Object.keys(r).length === 0)) return false;
    return hasAuth && reqs.some((r) => Object.keys(r).includes(scheme!.name)) ? true : undefined;
  };

  const endpoints: DraftEndpoint[] = [];
  const skipped: string[] = [];
  const health: Array<{ path: string; name: string; auth: boolean }> = [];
  const keys = new Set<string>();
  for (const { path: p, op, params } of gets) {
    const route = `GET ${p}`;
    const query: Record<string, string | number | boolean> = {};
    const headers: Record<string, string> = {};
    const missing: string[] = [];
    // A templated segment needs a value even when the document forgot to declare it.
    for (const [, name] of p.matchAll(/\{([^}]+)\}/g)) if (!params.some((x) => x.in === 'path' && x.name === name)) missing.push(`the path parameter "${name}"`);
    for (const prm of params) {
      if (!prm.required && prm.in !== 'path') continue;
      const dflt = prm.schema?.default ?? prm.default;
      const usableDefault = ['string', 'number', 'boolean'].includes(typeof dflt) && (prm.in === 'query' || prm.in === 'header');
      if (!usableDefault) { missing.push(`the ${prm.in} parameter "${prm.name}"`); continue; }
      if (prm.in === 'query') query[prm.name] = dflt as string | number | boolean;
      else headers[prm.name] = String(dflt);
    }
    if (missing.length) { skipped.push(`${route}: needs ${missing.join(' and ')}`); continue; }
    const authNeeded = needsAuth(op);
    if (authNeeded === undefined) { skipped.push(`${route}: needs credentials shipcheck cannot send`); continue; }

    let key = op.operationId && ENDPOINT_KEY.test(op.operationId) ? op.operationId : keyFromPath(p);
    for (let i = 2; keys.has(key); i++) key = `${key.replace(/\d+$/, '')}${i}`;
    keys.add(key);
    const fullPath = `${base}${p}` || '/';
    endpoints.push({
      key, route, ...(op.summary ? { summary: op.summary } : {}),
      config: {
        path: fullPath,
        ...(Object.keys(query).length ? { query } : {}),
        ...(Object.keys(headers).length ? { headers } : {}),
        ...(hasAuth ? { auth: authNeeded } : {}),
        weight: 1,
        expect: expectationOf(api, op),
      },
    });
    if (Object.keys(query).length === 0 && Object.keys(headers).length === 0) {
      const name = p.split('/').filter(Boolean).pop()?.toLowerCase() ?? '';
      if (HEALTH_NAMES.includes(name) || READINESS_NAMES.includes(name)) health.push({ path: fullPath, name, auth: authNeeded });
    }
  }

  const probe = (h: { path: string; auth: boolean }): string | ProbeConfig => (h.auth ? { path: h.path, auth: true } : h.path);
  const byRank = (names: string[]) => (a: { path: string; name: string }, b: { path: string; name: string }) =>
    names.indexOf(a.name) - names.indexOf(b.name) || a.path.split('/').length - b.path.split('/').length || a.path.localeCompare(b.path);
  const live = health.filter((h) => HEALTH_NAMES.includes(h.name)).sort(byRank(HEALTH_NAMES));
  const ready = health.filter((h) => READINESS_NAMES.includes(h.name)).sort(byRank(READINESS_NAMES));
  let liveness: string | ProbeConfig = '/health';
  let readiness: string | ProbeConfig | undefined;
  let healthNote: string;
  if (live[0]) {
    liveness = probe(live[0]);
    // Without a route named for readiness, a second health route (deeper in the path) is taken as it.
    const second = ready[0] ?? live.slice(1).find((h) => h.name === 'health' || h.name === 'healthz');
    if (second) readiness = probe(second);
    healthNote = ready[0] || !second ? 'The health routes the document names.'
      : `The health routes the document names; ${second.path}, a second health route, is taken as the readiness probe (dependencies checked).`;
  } else if (ready[0]) {
    liveness = probe(ready[0]);
    healthNote = `The document names only a readiness route (${ready[0].path}); it serves as the liveness probe.`;
  } else {
    healthNote = 'The document names no health route (health, healthz, livez, readyz, ping, status): /health is a guess; change it to your liveness probe.';
  }
  return {
    auth, authNote, liveness,
    ...(readiness ? { readiness } : {}),
    healthNote,
    endpoints,
    skipped,
  };
}
