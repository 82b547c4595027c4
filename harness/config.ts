import { Ajv, type ErrorObject } from 'ajv';
import { fail } from './errors.ts';

/**
 * One typed settings object per tool, layered once at the entry point:
 * defaults < the config file's section (`gate: { ... }` in shipcheck.config.ts) < allowlisted
 * SHIPCHECK_* variables < CLI flags. Validated with a JSON schema that rejects unknown keys,
 * reporting every problem at once; the result is frozen. A layer that overrides another
 * layer's value is announced, so no setting changes silently.
 */
export interface ConfigSpec<T extends object> {
  tool: string;
  defaults: T;
  /** JSON schema of T's properties (additionalProperties is forced to false). */
  properties: Record<string, object>;
  /** SHIPCHECK_* variable → key, with how to read the string. */
  env: Record<string, { key: keyof T & string; parse: 'string' | 'number' | 'boolean' | 'list' }>;
}

export interface ConfigSources {
  flags: Partial<Record<string, unknown>>;
  env?: NodeJS.ProcessEnv;
  /** The tool's section of the config file, and the file's name for messages. */
  section?: Record<string, unknown>;
  sectionSource?: string;
  warn?: (line: string) => void;
}

const ajv = new Ajv({ allErrors: true, useDefaults: false });

export function layerConfig<T extends object>(spec: ConfigSpec<T>, src: ConfigSources): Readonly<T> {
  const env = src.env ?? process.env;
  const warn = src.warn ?? ((l: string) => console.error(l));
  const problems: string[] = [];
  const origin = new Map<string, string>();
  const merged: Record<string, unknown> = { ...(spec.defaults as Record<string, unknown>) };

  const apply = (layer: Record<string, unknown>, name: string) => {
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) continue;
      const prev = origin.get(k);
      if (prev && prev !== 'defaults' && JSON.stringify(merged[k]) !== JSON.stringify(v)) {
        warn(`shipcheck: ${spec.tool}.${k} from ${name} (${JSON.stringify(v)}) overrides ${prev} (${JSON.stringify(merged[k])})`);
      }
      merged[k] = v;
      origin.set(k, name);
    }
  };
  for (const k of Object.keys(spec.defaults)) origin.set(k, 'defaults');
  if (src.section) apply(src.section, src.sectionSource ?? 'the config file');

  const fromEnv: Record<string, unknown> = {};
  for (const [name, { key, parse }] of Object.entries(spec.env)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (parse === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) problems.push(`${name}=${JSON.stringify(raw)} is not a number`);
      else fromEnv[key] = n;
    } else if (parse === 'boolean') {
      if (!/^(1|0|true|false)$/i.test(raw)) problems.push(`${name}=${JSON.stringify(raw)} must be true or false`);
      else fromEnv[key] = /^(1|true)$/i.test(raw);
    } else if (parse === 'list') fromEnv[key] = raw.split(',').map((s) => s.trim()).filter(Boolean);
    else fromEnv[key] = raw;
  }
  apply(fromEnv, 'environment');
  apply(src.flags as Record<string, unknown>, 'command-line flags');

  const validate = ajv.compile({ type: 'object', properties: spec.properties, additionalProperties: false });
  if (!validate(merged)) problems.push(...(validate.errors ?? []).map((e) => describe(spec.tool, e, origin)));
  if (problems.length) throw fail('SHIPCHECK_ERR_CONFIG', { problems: problems.join('; ') });
  return Object.freeze(merged as T);
}

function describe(tool: string, e: ErrorObject, origin: Map<string, string>): string {
  const key = e.instancePath.split('/')[1] ?? '';
  const where = `${tool}${e.instancePath.replace(/\//g, '.')}`;
  const from = key && origin.get(key) && origin.get(key) !== 'defaults' ? ` (from ${origin.get(key)})` : '';
  if (e.keyword === 'additionalProperties') return `${where}: unknown setting "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  if (e.keyword === 'enum') return `${where} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}${from}`;
  return `${where} ${e.message}${from}`;
}
