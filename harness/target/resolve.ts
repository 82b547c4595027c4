/**
 * One target of a validated config, resolved for a run: every default filled in (the seeds'
 * SLOs and sizing), the base URL chosen for the environment (or replaced by `--target URL`),
 * names and placeholders worked out, the user's globs expanded. Problems that only show across
 * settings (a journey naming an endpoint that does not exist, a placeholder nothing captures)
 * are found here, all of them at once.
 */
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { suggest } from '../suggest.ts';
import { nameTag, placeholdersIn } from './placeholders.ts';
import type {
  HeaderRule, HttpMethod, ProbeConfig, ResolvedAuth, ResolvedBudget, ResolvedEndpoint, ResolvedExpectation, ResolvedJourney,
  ResolvedPage, ResolvedProbe, ResolvedSecurity, ResolvedServiceTiming, ResolvedSlo, ResponseExpectation, Target, TargetConfig,
} from './types.ts';

/** The seeds' targets, used wherever a config leaves one out. */
export const DEFAULTS = {
  slo: { p95Ms: 200, p99Ms: 500, errorRate: 0.01, checksRate: 0.99, healthP99Ms: 100 },
  sizing: { users: 500, requestsPerHour: 10_000, thinkTimeSeconds: [1, 5] as [number, number], spikeFactor: 3 },
  page: { fcpMs: 2000, lcpMs: 2500, cls: 0.1, loadMs: 3000 },
  securityHeaders: {
    'strict-transport-security': { matches: 'max-age=[1-9]' },
    'content-security-policy': { matches: 'default-src' },
    'x-frame-options': { equals: 'DENY' },
    'x-content-type-options': { equals: 'nosniff' },
  } as Record<string, HeaderRule>,
  forbiddenHeaders: ['x-powered-by'],
  refusedOrigin: 'https://attacker.shipcheck.invalid',
  rateLimitMaxRequests: 500,
  resourceIntervalSeconds: 2,
  timeoutSeconds: 60,
  group: 'api',
  environment: 'local',
} as const;

/** `slo` tag values the harness's own requests carry (probes, setup checks, metric scrapes); no endpoint group may take them. */
export const RESERVED_GROUPS = ['health', 'setup', 'scrape'] as const;

export interface ResolveOptions {
  /** The target's name in the config. */
  name: string;
  /** The environment whose base URL is used (default `local`). */
  environment?: string;
  /** A base URL that replaces the configured one (`--target URL`). */
  url?: string;
  /** The config file, for resolving the user's globs (default: the working directory). */
  configFile?: string;
}

export class TargetProblems extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'TargetProblems';
  }
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 100) || 'unnamed';

function expectationOf(e: ResponseExpectation | undefined, defaultStatus: number[] = []): ResolvedExpectation {
  const status = e?.status === undefined ? defaultStatus : [e.status].flat();
  return {
    status,
    ...(e?.contentType ? { contentType: e.contentType } : {}),
    ...(e?.contains !== undefined ? { contains: e.contains } : {}),
    json: { ...(e?.json ?? {}) },
  };
}

function probeOf(name: 'liveness' | 'readiness', p: string | ProbeConfig): ResolvedProbe {
  const cfg = typeof p === 'string' ? { path: p } : p;
  return { name, path: cfg.path, auth: cfg.auth ?? false, expect: expectationOf(cfg.expect, [200]) };
}

function checkUrl(where: string, url: string, problems: string[]): string {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') problems.push(`${where}: ${JSON.stringify(url)} must be an http:// or https:// URL`);
  } catch {
    problems.push(`${where}: ${JSON.stringify(url)} is not a URL (write it like http://127.0.0.1:3000)`);
  }
  return url.replace(/\/+$/, '');
}

function parseRoute(spec: string): { method: HttpMethod; path: string } {
  const m = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (\/.*)$/.exec(spec);
  return m ? { method: m[1] as HttpMethod, path: m[2]! } : { method: 'GET', path: spec };
}

/** Resolves target `opts.name` of a config that passed the schema; throws TargetProblems listing every problem. */
export function resolveTarget(cfg: TargetConfig, opts: ResolveOptions): Target {
  const problems: string[] = [];
  const at = (s: string) => `targets.${opts.name}.${s}`;
  const environment = opts.environment ?? DEFAULTS.environment;

  // --- base URL for the environment
  const baseUrls: Record<string, string> = typeof cfg.baseUrl === 'string' ? { [environment]: cfg.baseUrl } : { ...cfg.baseUrl };
  for (const [env, url] of Object.entries(baseUrls)) checkUrl(at(`baseUrl${typeof cfg.baseUrl === 'string' ? '' : `.${env}`}`), url, problems);
  let baseUrl: string;
  if (opts.url) baseUrl = checkUrl('--target', opts.url, problems);
  else if (typeof cfg.baseUrl === 'string') baseUrl = cfg.baseUrl.replace(/\/+$/, '');
  else if (baseUrls[environment]) baseUrl = baseUrls[environment]!.replace(/\/+$/, '');
  else {
    const known = Object.keys(baseUrls);
    const near = suggest(environment, known);
    problems.push(`${at('baseUrl')} has no URL for the environment "${environment}"${near ? ` (did you mean "${near}"?)` : ''}; it has ${known.join(', ') || 'none'}. Add one, pick another with --environment, or give --target URL`);
    baseUrl = '';
  }

  // --- auth
  const a = cfg.auth ?? { type: 'none' as const };
  const auth: ResolvedAuth = a.type === 'none' ? { type: 'none' }
    : { type: a.type, header: a.type === 'bearer' ? 'authorization' : a.header.toLowerCase(), tokenEnv: a.tokenEnv, ...(a.poolEnv ? { poolEnv: a.poolEnv } : {}) };
  const hasAuth = auth.type !== 'none';

  // --- SLO groups
  const sloCfg = cfg.slo ?? {};
  const groups: ResolvedSlo['groups'] = {};
  for (const [g, lim] of Object.entries(sloCfg.groups ?? { [DEFAULTS.group]: {} })) {
    groups[g] = g === DEFAULTS.group && lim.p95Ms === undefined && lim.p99Ms === undefined
      ? { p95Ms: DEFAULTS.slo.p95Ms, p99Ms: DEFAULTS.slo.p99Ms }
      : { ...(lim.p95Ms !== undefined ? { p95Ms: lim.p95Ms } : {}), ...(lim.p99Ms !== undefined ? { p99Ms: lim.p99Ms } : {}) };
  }

  for (const g of Object.keys(groups)) if ((RESERVED_GROUPS as readonly string[]).includes(g)) problems.push(`${at(`slo.groups.${g}`)}: "${g}" is reserved for shipcheck's own requests (${RESERVED_GROUPS.join(', ')}); health probes are judged by slo.healthP99Ms`);

  // --- endpoints (two endpoints on one route share its name tag: results group by route)
  const endpoints: ResolvedEndpoint[] = [];
  for (const [key, e] of Object.entries(cfg.endpoints ?? {})) {
    const method = e.method ?? 'GET';
    const name = nameTag(method, e.path);
    if (/[,{}]/.test(name)) problems.push(`${at(`endpoints.${key}.path`)}: ${JSON.stringify(e.path)} holds a "," or an unmatched brace, which k6 threshold keys cannot carry`);
    const group = e.group ?? DEFAULTS.group;
    if ((RESERVED_GROUPS as readonly string[]).includes(group)) problems.push(`${at(`endpoints.${key}.group`)}: "${group}" is reserved for shipcheck's own requests (${RESERVED_GROUPS.join(', ')}); name the group otherwise`);
    if (!groups[group]) {
      if (group === DEFAULTS.group) groups[group] = { p95Ms: DEFAULTS.slo.p95Ms, p99Ms: DEFAULTS.slo.p99Ms };
      else problems.push(`${at(`endpoints.${key}.group`)}: "${group}" is not in slo.groups (${Object.keys(groups).join(', ')}); add its limits there`);
    }
    const query = Object.fromEntries(Object.entries(e.query ?? {}).map(([k, v]) => [k, String(v)]));
    const needs = [...placeholdersIn([e.path, Object.values(query), e.body])];
    if (e.auth && !hasAuth) problems.push(`${at(`endpoints.${key}.auth`)} is true but the target has no auth; set targets.${opts.name}.auth`);
    endpoints.push({
      key, name, method, path: e.path, query, headers: { ...(e.headers ?? {}) },
      ...(e.body !== undefined ? { body: e.body } : {}),
      auth: e.auth ?? hasAuth,
      expect: expectationOf(e.expect),
      group,
      weight: e.weight ?? 1,
      capture: { ...(e.capture ?? {}) },
      needs,
      smoke: e.smoke ?? (method === 'GET' || method === 'HEAD'),
      timeoutSeconds: e.timeoutSeconds ?? DEFAULTS.timeoutSeconds,
    });
  }
  const byKey = new Map(endpoints.map((e) => [e.key, e]));
  const endpointKeys = [...byKey.keys()];
  const unknownEndpoint = (where: string, key: string) => {
    const near = suggest(key, endpointKeys);
    problems.push(`${where}: no endpoint named "${key}"${near ? ` (did you mean "${near}"?)` : endpointKeys.length ? ` (endpoints: ${endpointKeys.join(', ')})` : ' (the target has no endpoints)'}`);
  };
  const captured = new Set(endpoints.flatMap((e) => Object.keys(e.capture)));
  for (const e of endpoints) {
    for (const n of e.needs) if (!captured.has(n)) problems.push(`${at(`endpoints.${e.key}`)} needs {${n}}, but no endpoint captures it (add capture: { ${n}: "<json path>" } to the endpoint that returns it)`);
  }
  // Smoke calls endpoints once, in the order written, carrying captures forward.
  const smokeCaptured = new Set<string>();
  for (const e of endpoints.filter((x) => x.smoke)) {
    for (const n of e.needs) if (captured.has(n) && !smokeCaptured.has(n)) problems.push(`${at(`endpoints.${e.key}`)} needs {${n}} in the smoke suite, but no endpoint before it with smoke enabled captures it; move it after one that does, or set smoke: false`);
    for (const c of Object.keys(e.capture)) smokeCaptured.add(c);
  }
  if (endpoints.length && endpoints.every((e) => e.weight === 0) && !cfg.journeys) problems.push(`${at('endpoints')}: every weight is 0 and there are no journeys, so load would have nothing to do`);

  // --- journeys
  const journeys: ResolvedJourney[] = [];
  for (const [jname, j] of Object.entries(cfg.journeys ?? {})) {
    const have = new Set<string>();
    const steps = j.steps.map((step, i) => {
      if (typeof step !== 'string' && 'think' in step) {
        const t = step.think;
        const range: [number, number] = typeof t === 'number' ? [t, t] : [Math.min(t[0], t[1]), Math.max(t[0], t[1])];
        return { think: range };
      }
      const key = typeof step === 'string' ? step : step.endpoint;
      const e = byKey.get(key);
      if (!e) unknownEndpoint(at(`journeys.${jname}.steps[${i}]`), key);
      else {
        for (const n of e.needs) if (!have.has(n)) problems.push(`${at(`journeys.${jname}.steps[${i}]`)}: ${key} needs {${n}}, which no earlier step of the journey captures`);
        for (const c of Object.keys(e.capture)) have.add(c);
      }
      return { endpoint: key, chance: typeof step === 'string' ? 1 : (step.chance ?? 1) };
    });
    journeys.push({ name: jname, weight: j.weight ?? 1, steps });
  }
  if (journeys.length && journeys.every((j) => j.weight === 0)) problems.push(`${at('journeys')}: every weight is 0`);

  // --- pages
  const pages: ResolvedPage[] = Object.entries(cfg.pages ?? {}).map(([name, p]) => ({
    name, path: p.path,
    fcpMs: p.fcpMs ?? DEFAULTS.page.fcpMs, lcpMs: p.lcpMs ?? DEFAULTS.page.lcpMs, cls: p.cls ?? DEFAULTS.page.cls, loadMs: p.loadMs ?? DEFAULTS.page.loadMs,
    a11y: p.a11y ?? true, keyboard: p.keyboard ?? false,
    ...(p.waitFor ? { waitFor: p.waitFor } : {}),
  }));

  // --- health and security
  const liveness = probeOf('liveness', cfg.health.liveness);
  const readiness = cfg.health.readiness ? probeOf('readiness', cfg.health.readiness) : undefined;
  if ((liveness.auth || readiness?.auth) && !hasAuth) problems.push(`${at('health')}: a probe sends auth but the target has no auth`);
  const sec = cfg.security ?? {};
  const headers: Record<string, HeaderRule> = { ...DEFAULTS.securityHeaders };
  for (const [h, rule] of Object.entries(sec.headers ?? {})) {
    if (rule === false) delete headers[h.toLowerCase()];
    else headers[h.toLowerCase()] = rule;
  }
  const security: ResolvedSecurity = {
    headers,
    forbiddenHeaders: (sec.forbiddenHeaders ?? [...DEFAULTS.forbiddenHeaders]).map((h) => h.toLowerCase()),
    probes: [...(sec.probes ?? [])],
    cors: { allowed: [...(sec.cors?.allowed ?? [])], refused: [...(sec.cors?.refused ?? [DEFAULTS.refusedOrigin])], path: sec.cors?.path ?? liveness.path },
    requireAuth: (sec.requireAuth ?? []).map(parseRoute),
    ...(sec.rateLimit ? { rateLimit: { path: sec.rateLimit.path, method: sec.rateLimit.method ?? 'GET', maxRequests: sec.rateLimit.maxRequests ?? DEFAULTS.rateLimitMaxRequests } } : {}),
  };
  if (security.requireAuth.length && !hasAuth) problems.push(`${at('security.requireAuth')} lists routes, but the target has no auth to leave out`);
  if (security.rateLimit && !hasAuth) problems.push(`${at('security.rateLimit')} needs a key to drive past its limit, but the target has no auth`);

  // --- sizing
  const sz = cfg.sizing ?? {};
  const think = sz.thinkTimeSeconds ?? DEFAULTS.sizing.thinkTimeSeconds;
  const sizing = {
    users: sz.users ?? DEFAULTS.sizing.users,
    requestsPerHour: sz.requestsPerHour ?? DEFAULTS.sizing.requestsPerHour,
    thinkTimeSeconds: (typeof think === 'number' ? [think, think] : [Math.min(think[0], think[1]), Math.max(think[0], think[1])]) as [number, number],
    spikeFactor: sz.spikeFactor ?? DEFAULTS.sizing.spikeFactor,
  };

  // --- resources and service timings
  const metricNames = new Set<string>();
  const k6Name = (prefix: string, label: string, where: string) => {
    const n = `${prefix}_${slug(label)}`;
    if (metricNames.has(n)) problems.push(`${where}: "${label}" gives the k6 metric name ${n}, which another entry already has; rename one`);
    metricNames.add(n);
    return n;
  };
  const resources = cfg.resources ? {
    metricsPath: cfg.resources.metricsPath,
    auth: cfg.resources.auth ?? false,
    intervalSeconds: cfg.resources.intervalSeconds ?? DEFAULTS.resourceIntervalSeconds,
    budgets: Object.entries(cfg.resources.budgets).map(([label, b]): ResolvedBudget => ({
      ...b, label, rate: b.rate ?? false, unit: b.unit ?? (b.metric.endsWith('_bytes') ? 'bytes' : b.rate && b.metric.includes('cpu') ? 'cores' : 'count'),
      labels: { ...(b.labels ?? {}) }, k6Metric: k6Name('resource', label, at(`resources.budgets.${label}`)),
    })),
  } : undefined;
  const serviceTimings: ResolvedServiceTiming[] = Object.entries(cfg.serviceTimings ?? {}).map(([label, t]) => {
    const where = at(`serviceTimings.${label}`);
    if (t.p95Ms === undefined && t.p99Ms === undefined) problems.push(`${where}: give p95Ms or p99Ms, the limit to judge it by`);
    if ('serverTiming' in t) {
      for (const k of t.endpoints ?? []) if (!byKey.has(k)) unknownEndpoint(`${where}.endpoints`, k);
      return { label, kind: 'server-timing', entry: t.serverTiming, endpoints: [...(t.endpoints ?? [])], p95Ms: t.p95Ms, p99Ms: t.p99Ms, k6Metric: k6Name('service', label, where) };
    }
    return {
      label, kind: 'histogram', histogram: t.histogram, labels: { ...(t.labels ?? {}) },
      metricsPath: t.metricsPath ?? cfg.resources?.metricsPath ?? '/metrics',
      auth: t.metricsPath ? false : (cfg.resources?.auth ?? false),
      p95Ms: t.p95Ms, p99Ms: t.p99Ms, k6Metric: k6Name('service', label, where),
    };
  });

  // --- the user's own scripts and specs
  const dir = opts.configFile ? path.dirname(path.resolve(opts.configFile)) : process.cwd();
  const scripts: string[] = [];
  for (const g of cfg.load?.scripts ?? []) {
    const found = globSync(g, { cwd: dir, absolute: true, onlyFiles: true }).filter((f) => /\.(js|mjs|ts|mts)$/.test(f)).sort();
    if (found.length === 0) problems.push(`${at('load.scripts')}: ${JSON.stringify(g)} matches no .js or .ts file in ${dir}`);
    scripts.push(...found.filter((f) => !scripts.includes(f)));
  }
  let specs: Target['specs'];
  if (cfg.smoke?.testMatch?.length) {
    for (const g of cfg.smoke.testMatch) {
      if (globSync(g, { cwd: dir, onlyFiles: true }).length === 0) problems.push(`${at('smoke.testMatch')}: ${JSON.stringify(g)} matches no file in ${dir}`);
    }
    specs = { dir, testMatch: [...cfg.smoke.testMatch] };
  }

  if (problems.length) throw new TargetProblems(problems);
  return {
    name: opts.name,
    description: cfg.description ?? '',
    environment,
    baseUrl,
    baseUrls: Object.fromEntries(Object.entries(baseUrls).map(([k, v]) => [k, v.replace(/\/+$/, '')])),
    // shipcheck starts the included API only for a local run that no --target URL points elsewhere.
    ...(cfg.start && !opts.url && environment === DEFAULTS.environment ? { start: cfg.start } : {}),
    auth,
    health: { liveness, ...(readiness ? { readiness } : {}) },
    endpoints, journeys, pages, security,
    slo: {
      groups,
      errorRate: sloCfg.errorRate ?? DEFAULTS.slo.errorRate,
      checksRate: sloCfg.checksRate ?? DEFAULTS.slo.checksRate,
      healthP99Ms: sloCfg.healthP99Ms ?? DEFAULTS.slo.healthP99Ms,
    },
    sizing,
    ...(resources ? { resources } : {}),
    serviceTimings,
    scripts,
    ...(specs ? { specs } : {}),
    ...(opts.configFile ? { configFile: path.resolve(opts.configFile) } : {}),
  };
}
