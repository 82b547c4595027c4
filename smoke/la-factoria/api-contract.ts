/**
 * La Factoria's documented response shapes, as a client relies on them (required fields and
 * types; extra fields are allowed so a deployment may add some), and the checks its own specs
 * use to say precisely what a response got wrong and how to fix it.
 */
import { Ajv, type ErrorObject } from 'ajv';
import type { APIResponse } from '@playwright/test';

export const HEALTH_CHECKS = ['database', 'ai_provider', 'quality_pipeline', 'disk', 'memory'] as const;

const check = {
  type: 'object', required: ['status', 'latency_ms', 'message'],
  properties: { status: { enum: ['healthy', 'unhealthy'] }, latency_ms: { type: 'number' }, message: { type: 'string' } },
};

export const schemas = {
  liveness: {
    type: 'object', required: ['status', 'timestamp', 'version', 'environment'],
    properties: { status: { const: 'ok' }, timestamp: { type: 'string' }, version: { type: 'string' }, environment: { type: 'string' } },
  },
  readiness: {
    type: 'object', required: ['status', 'timestamp', 'version', 'environment', 'checks'],
    properties: {
      status: { enum: ['healthy', 'degraded'] }, timestamp: { type: 'string' }, version: { type: 'string' }, environment: { type: 'string' },
      checks: { type: 'object', required: [...HEALTH_CHECKS], properties: Object.fromEntries(HEALTH_CHECKS.map((c) => [c, check])) },
    },
  },
  detailedHealth: {
    type: 'object', required: ['status', 'checks', 'uptime_s', 'process', 'config'],
    properties: {
      status: { enum: ['healthy', 'degraded'] }, uptime_s: { type: 'number' }, process: { type: 'object' }, config: { type: 'object' },
      checks: { type: 'object', required: [...HEALTH_CHECKS], properties: Object.fromEntries(HEALTH_CHECKS.map((c) => [c, check])) },
    },
  },
  metrics: {
    type: 'object', required: ['timestamp', 'uptime_s', 'requests', 'latency_ms', 'error_rates', 'process'],
    properties: {
      requests: { type: 'object', required: ['total', 'per_second'], properties: { total: { type: 'integer' }, per_second: { type: 'number' } } },
      latency_ms: { type: 'object', required: ['p50', 'p95', 'p99'], properties: { p50: { type: 'number' }, p95: { type: 'number' }, p99: { type: 'number' } } },
      error_rates: { type: 'object' },
    },
  },
  educationalMetrics: {
    type: 'object', required: ['timestamp', 'total_content', 'quality', 'content_types', 'generation'],
    properties: {
      total_content: { type: 'integer' },
      quality: { type: 'object', required: ['thresholds', 'averages', 'pass_rate', 'distribution'] },
      content_types: { type: 'array' },
      generation: { type: 'object', required: ['attempts', 'success_rate'] },
    },
  },
  content: {
    type: 'object',
    required: ['id', 'topic', 'content_type', 'audience_level', 'content', 'quality_score', 'educational_effectiveness', 'factual_accuracy', 'quality_passed', 'created_at'],
    properties: {
      id: { type: 'integer' }, topic: { type: 'string' }, content_type: { type: 'string' }, content: { type: 'string', minLength: 1 },
      quality_score: { type: 'number', minimum: 0, maximum: 1 }, educational_effectiveness: { type: 'number', minimum: 0, maximum: 1 },
      factual_accuracy: { type: 'number', minimum: 0, maximum: 1 }, quality_passed: { type: 'boolean' },
    },
  },
  contentList: {
    type: 'object', required: ['items', 'limit', 'offset', 'next_offset'],
    properties: { items: { type: 'array' }, limit: { type: 'integer' }, offset: { type: 'integer' } },
  },
  error: {
    type: 'object', required: ['statusCode', 'error', 'code', 'message'],
    properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
  },
} as const;
export type SchemaName = keyof typeof schemas;

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = Object.fromEntries(Object.entries(schemas).map(([k, s]) => [k, ajv.compile(s)])) as Record<SchemaName, ReturnType<Ajv['compile']>>;

function describeAjv(e: ErrorObject): string {
  const at = e.instancePath || '(the body)';
  if (e.keyword === 'required') return `${at} is missing "${(e.params as { missingProperty: string }).missingProperty}"`;
  if (e.keyword === 'enum') return `${at} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'const') return `${at} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
  return `${at} ${e.message}`;
}

/** Problems with a JSON body against a documented schema: an empty list when it conforms. */
export function schemaProblems(name: SchemaName, body: unknown): string[] {
  const v = validators[name];
  return v(body) ? [] : (v.errors ?? []).map(describeAjv);
}

/** "GET /health" from a response, for messages. */
export function describeRequest(res: APIResponse): string {
  const u = new URL(res.url());
  return `${u.pathname}${u.search}`;
}

/**
 * Reads a JSON response that must have `status` and match schema `name`; throws one message
 * naming the endpoint, what was wrong and what to fix.
 */
export async function expectJson(res: APIResponse, method: string, status: number, name: SchemaName): Promise<Record<string, any>> {
  const where = `${method} ${describeRequest(res)}`;
  const text = await res.text();
  if (res.status() !== status) {
    throw new Error(`${where} answered ${res.status()} ${res.statusText()}, expected ${status}. Body: ${text.slice(0, 300) || '(empty)'}. Fix: the deployment is not serving this endpoint correctly; check the service's logs and its dependencies (database, provider) for the cause.`);
  }
  let body: unknown;
  try { body = JSON.parse(text); } catch {
    throw new Error(`${where} answered ${status} but the body is not JSON (content-type ${res.headers()['content-type'] ?? 'none'}): ${text.slice(0, 200)}. Fix: return the documented JSON body with Content-Type: application/json.`);
  }
  const problems = schemaProblems(name, body);
  if (problems.length) {
    throw new Error(`${where} answered ${status} with a body that does not match the documented "${name}" schema: ${problems.join('; ')}. Fix: return the documented fields with their documented types (see smoke/la-factoria/api-contract.ts).`);
  }
  return body as Record<string, any>;
}
