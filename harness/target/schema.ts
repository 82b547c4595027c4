/**
 * The run-time check of a shipcheck config: the shape of `ShipcheckConfig` (types.ts), with
 * unknown keys refused. The schema is typed against the interfaces, so the two cannot drift
 * apart without a type error. Problems come back all at once, one line each, naming the
 * setting by its path.
 */
import { z } from 'zod';
import { suggest } from '../suggest.ts';
import type {
  AuthConfig, EndpointConfig, GateSettings, HealthConfig, JourneyConfig, JsonExpectation, PageConfig, ProbeConfig,
  ResourcesConfig, ResponseExpectation, SecurityConfig, ServiceTimingConfig, ShipcheckConfig, SizingConfig, SloConfig, TargetConfig,
} from './types.ts';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export const PROFILES = ['test', 'ci', 'full', 'soak'] as const;
export const ENGINES = ['auto', 'k6', 'node'] as const;
export const LOAD_SHAPES = ['smoke', 'users', 'throughput', 'gate', 'spike', 'stress', 'soak', 'breakpoint'] as const;

export const TARGET_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ENDPOINT_KEY = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const GROUP_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const positive = z.number().positive();
const ms = z.number().positive().finite();
const ratio = z.number().min(0).max(1);
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const stringMap = z.record(z.string(), z.string());
const envName = z.string().regex(ENV_NAME, 'must be an environment variable name like API_KEY');
const path = z.string().regex(/^\//, 'must start with "/"');
const pathOrUrl = z.string().regex(/^(\/|https?:\/\/)/, 'must be a path starting with "/" or an http(s) URL');
const regex = z.string().refine((s) => { try { new RegExp(s); return true; } catch { return false; } }, 'must be a valid regular expression');

const jsonRule = z.strictObject({
  equals: scalar.optional(),
  oneOf: z.array(scalar).min(1).optional(),
  type: z.enum(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null']).optional(),
  exists: z.boolean().optional(),
  minLength: z.number().int().min(0).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  matches: regex.optional(),
});
const jsonExpectation: z.ZodType<JsonExpectation> = z.union([scalar, jsonRule]);

const status = z.number().int().min(100).max(599);
const expectation: z.ZodType<ResponseExpectation> = z.strictObject({
  status: z.union([status, z.array(status).min(1)]).optional(),
  contentType: z.string().min(1).optional(),
  contains: z.string().min(1).optional(),
  json: z.record(z.string().min(1), jsonExpectation).optional(),
});

const probe: z.ZodType<ProbeConfig> = z.strictObject({ path, auth: z.boolean().optional(), expect: expectation.optional() });
const health: z.ZodType<HealthConfig> = z.strictObject({
  liveness: z.union([path, probe]),
  readiness: z.union([path, probe]).optional(),
});

const auth: z.ZodType<AuthConfig> = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('bearer'), tokenEnv: envName, poolEnv: envName.optional() }),
  z.strictObject({ type: z.literal('header'), header: z.string().regex(HEADER_NAME, 'must be an HTTP header name'), tokenEnv: envName, poolEnv: envName.optional() }),
]);

const endpoint: z.ZodType<EndpointConfig> = z.strictObject({
  method: z.enum(METHODS).optional(),
  path,
  query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  headers: stringMap.optional(),
  body: z.unknown().optional(),
  auth: z.boolean().optional(),
  expect: expectation.optional(),
  group: z.string().regex(GROUP_NAME, 'must be lowercase letters, digits, "-" or "_"').optional(),
  weight: z.number().min(0).finite().optional(),
  capture: z.record(z.string().regex(/^[A-Za-z_]\w*$/, 'must be a variable name'), z.string().min(1)).optional(),
  smoke: z.boolean().optional(),
  timeoutSeconds: positive.max(3600).optional(),
});

const thinkTime = z.union([z.number().min(0).finite(), z.tuple([z.number().min(0).finite(), z.number().min(0).finite()])]);
const journey: z.ZodType<JourneyConfig> = z.strictObject({
  weight: z.number().min(0).finite().optional(),
  steps: z.array(z.union([
    z.string().min(1),
    z.strictObject({ endpoint: z.string().min(1), chance: ratio.optional() }),
    z.strictObject({ think: thinkTime }),
  ])).min(1),
});

const page: z.ZodType<PageConfig> = z.strictObject({
  path,
  fcpMs: ms.optional(),
  lcpMs: ms.optional(),
  cls: z.number().min(0).optional(),
  loadMs: ms.optional(),
  a11y: z.boolean().optional(),
  keyboard: z.boolean().optional(),
  waitFor: z.string().min(1).optional(),
});

const headerRule = z.union([z.strictObject({ equals: z.string() }), z.strictObject({ matches: regex })]);
const security: z.ZodType<SecurityConfig> = z.strictObject({
  headers: z.record(z.string().regex(HEADER_NAME, 'must be an HTTP header name'), z.union([headerRule, z.literal(false)])).optional(),
  forbiddenHeaders: z.array(z.string().regex(HEADER_NAME)).optional(),
  probes: z.array(path).optional(),
  cors: z.strictObject({
    allowed: z.array(z.url()).optional(),
    refused: z.array(z.url()).optional(),
    path: path.optional(),
  }).optional(),
  requireAuth: z.array(z.string().regex(/^((GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) )?\//, 'must be "/path" or "METHOD /path"')).optional(),
  rateLimit: z.strictObject({ path, method: z.enum(METHODS).optional(), maxRequests: z.number().int().min(1).max(100_000).optional() }).optional(),
});

const slo: z.ZodType<SloConfig> = z.strictObject({
  groups: z.record(z.string().regex(GROUP_NAME, 'must be lowercase letters, digits, "-" or "_"'), z.strictObject({ p95Ms: ms.optional(), p99Ms: ms.optional() })).optional(),
  errorRate: ratio.optional(),
  checksRate: ratio.optional(),
  healthP99Ms: ms.optional(),
});

const sizing: z.ZodType<SizingConfig> = z.strictObject({
  users: z.number().int().min(1).max(1_000_000).optional(),
  requestsPerHour: z.number().int().min(1).max(1_000_000_000).optional(),
  thinkTimeSeconds: thinkTime.optional(),
  spikeFactor: z.number().min(1).max(100).optional(),
});

const resources: z.ZodType<ResourcesConfig> = z.strictObject({
  metricsPath: pathOrUrl,
  auth: z.boolean().optional(),
  intervalSeconds: positive.max(3600).optional(),
  budgets: z.record(z.string().min(1), z.strictObject({
    metric: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a Prometheus metric name'),
    labels: stringMap.optional(),
    max: z.number().finite(),
    rate: z.boolean().optional(),
    unit: z.enum(['bytes', 'cores', 'seconds', 'count']).optional(),
  })),
});

const serviceTiming: z.ZodType<ServiceTimingConfig> = z.union([
  z.strictObject({ serverTiming: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a Server-Timing metric name'), endpoints: z.array(z.string()).optional(), p95Ms: ms.optional(), p99Ms: ms.optional() }),
  z.strictObject({ histogram: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a Prometheus metric name'), labels: stringMap.optional(), metricsPath: pathOrUrl.optional(), p95Ms: ms.optional(), p99Ms: ms.optional() }),
]);

const globs = z.array(z.string().min(1));
const target: z.ZodType<TargetConfig> = z.strictObject({
  description: z.string().optional(),
  baseUrl: z.union([z.string(), z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be an environment name like staging'), z.string())]),
  start: z.literal('included-api').optional(),
  auth: auth.optional(),
  health,
  endpoints: z.record(z.string().regex(ENDPOINT_KEY, 'must be a name of letters, digits, "_" or "-"'), endpoint).optional(),
  journeys: z.record(z.string().regex(ENDPOINT_KEY, 'must be a name of letters, digits, "_" or "-"'), journey).optional(),
  pages: z.record(z.string().regex(/^[A-Za-z0-9][\w -]{0,63}$/, 'must be a short name'), page).optional(),
  security: security.optional(),
  slo: slo.optional(),
  sizing: sizing.optional(),
  resources: resources.optional(),
  serviceTimings: z.record(z.string().regex(/^[A-Za-z][\w-]{0,63}$/, 'must be a name of letters, digits, "_" or "-"'), serviceTiming).optional(),
  load: z.strictObject({ scripts: globs.optional() }).optional(),
  smoke: z.strictObject({ testMatch: globs.optional() }).optional(),
});

const gate: z.ZodType<GateSettings> = z.strictObject({
  target: z.string().optional(),
  environment: z.string().optional(),
  profile: z.enum(PROFILES).optional(),
  engine: z.enum(ENGINES).optional(),
  shape: z.enum(LOAD_SHAPES).optional(),
  smoke: z.boolean().optional(),
  load: z.boolean().optional(),
  baseline: z.string().optional(),
});

export const configSchema: z.ZodType<ShipcheckConfig> = z.strictObject({
  targets: z.record(z.string().regex(TARGET_NAME, 'must be lowercase letters, digits and "-"'), target)
    .refine((t) => Object.keys(t).length > 0, 'must describe at least one target'),
  gate: gate.optional(),
});

/** Every key a strict object at `path` accepts, found by walking the schema, for "did you mean". */
function knownKeys(schema: z.ZodType, path: PropertyKey[]): string[] {
  let s: z.ZodType | undefined = schema;
  for (const part of path) {
    s = childOf(s, part);
    if (!s) return [];
  }
  return objectKeys(s);
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur = s as z.ZodType & { def?: { innerType?: z.ZodType } };
  while (cur?.def?.innerType) cur = cur.def.innerType as typeof cur;
  return cur;
}

function optionsOf(s: z.ZodType): z.ZodType[] {
  const def = (unwrap(s) as { def?: { options?: z.ZodType[] } }).def;
  return def?.options ?? [unwrap(s)];
}

function objectKeys(s: z.ZodType): string[] {
  return optionsOf(s).flatMap((o) => Object.keys((o as { def?: { shape?: Record<string, unknown> } }).def?.shape ?? {}));
}

function childOf(s: z.ZodType, part: PropertyKey): z.ZodType | undefined {
  for (const o of optionsOf(s)) {
    const def = (o as { def?: { type?: string; shape?: Record<string, z.ZodType>; valueType?: z.ZodType; element?: z.ZodType } }).def;
    if (def?.type === 'object' && def.shape && typeof part === 'string' && def.shape[part]) return def.shape[part];
    if (def?.type === 'record' && def.valueType) return def.valueType;
    if (def?.type === 'array' && def.element && typeof part === 'number') return def.element;
  }
  return undefined;
}

function where(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || '(the config)';
}

/** Problems with `value` as a shipcheck config, one line each; empty when it is valid. */
export function configProblems(value: unknown): string[] {
  const r = configSchema.safeParse(value);
  if (r.success) return [];
  const lines: string[] = [];
  for (const issue of r.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const known = knownKeys(configSchema, issue.path);
        const near = suggest(key, known);
        const hint = near ? ` (did you mean "${near}"?)` : known.length ? ` (known: ${known.join(', ')})` : '';
        lines.push(`${where([...issue.path, key])}: unknown setting${hint}`);
      }
    } else if (issue.code === 'invalid_union' && Array.isArray((issue as { errors?: unknown[] }).errors)) {
      // A union's message ("Invalid input") says nothing; the branch closest to what was written does.
      const branches = (issue as unknown as { errors: Array<Array<{ path: PropertyKey[]; message: string }>> }).errors;
      const best = branches.reduce((a, b) => (b.length < a.length ? b : a));
      if (best.length) for (const e of best) lines.push(`${where([...issue.path, ...e.path])}: ${e.message}`);
      else lines.push(`${where(issue.path)}: ${issue.message}`);
    } else {
      lines.push(`${where(issue.path)}: ${issue.message}`);
    }
  }
  return [...new Set(lines)];
}
