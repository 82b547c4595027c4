/**
 * Nothing secret leaves a report: every string read from a result folder passes through
 * here before it is rendered. Covers what harness/redact.ts covers (credentials in URLs,
 * bearer tokens, known secret values) plus secret-looking query parameters anywhere in text
 * (`?token=…`, `&api_key=…`) and the values of secret-named environment variables.
 */
import { redactText } from '../harness/redact.ts';

const SECRET_PARAM = /([?&;][^=&\s"'<>#]*(?:key|token|secret|password|passwd|auth|signature|sig)[^=&\s"'<>#]*=)[^&\s"'<>#]+/gi;
const SECRET_ENV_NAME = /key|token|secret|password|passwd|credential|auth/i;

/** Values of environment variables whose names say they are secrets (long enough to be real). */
export function environmentSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(env)
    .filter(([k, v]) => SECRET_ENV_NAME.test(k) && typeof v === 'string' && v.length >= 6)
    .map(([, v]) => v as string);
}

export function scrubText(text: string, secrets: readonly string[] = []): string {
  return redactText(text, secrets).replace(SECRET_PARAM, '$1***');
}

/** A deep copy with every string (keys included) scrubbed. */
export function scrubDeep<T>(value: T, secrets: readonly string[] = []): T {
  if (typeof value === 'string') return scrubText(value, secrets) as T;
  if (Array.isArray(value)) {
    // Time-series columns are long arrays of numbers: nothing to scrub, so no copy.
    if (value.every((v) => typeof v === 'number' || v === null)) return value;
    return value.map((v) => scrubDeep(v, secrets)) as T;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[scrubText(k, secrets)] = scrubDeep(v, secrets);
    return out as T;
  }
  return value;
}
