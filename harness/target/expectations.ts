/**
 * Whether a response is a right answer, by a target's expectation (status, content type, text,
 * JSON fields): one problem per line, empty when it is right. The load scenarios turn the
 * verdict into k6 checks and the smoke suites into failure messages, so both judge an answer
 * the same way. Portable (no Node built-ins).
 */
import { valuesAt } from './json-path.ts';
import type { JsonExpectation, JsonRule, ResolvedExpectation } from './types.ts';

export interface ObservedResponse {
  status: number;
  /** The Content-Type header, if any. */
  contentType?: string;
  body: string;
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v) : JSON.stringify(v));

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

const article = (word: string) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);
const describe = (v: unknown) => (v === null || typeof v === 'object' ? article(typeOf(v)) : `${typeOf(v)} ${show(v)}`);

function ruleOf(e: JsonExpectation): JsonRule {
  return e !== null && typeof e === 'object' ? e : { equals: e };
}

/** What is wrong with one value against a rule, or undefined. */
export function ruleProblem(v: unknown, rule: JsonRule): string | undefined {
  if (rule.equals !== undefined && v !== rule.equals) return `is ${show(v)}, expected ${show(rule.equals)}`;
  if (rule.oneOf && !rule.oneOf.includes(v as never)) return `is ${show(v)}, expected one of ${rule.oneOf.map(show).join(', ')}`;
  if (rule.type) {
    const ok = rule.type === 'integer' ? Number.isInteger(v) : typeOf(v) === rule.type;
    if (!ok) return `is ${describe(v)}, expected ${article(rule.type)}`;
  }
  if (rule.minLength !== undefined) {
    const len = typeof v === 'string' || Array.isArray(v) ? v.length : undefined;
    if (len === undefined || len < rule.minLength) return `has length ${len ?? 'none'}, expected at least ${rule.minLength}`;
  }
  if (rule.min !== undefined && !(typeof v === 'number' && v >= rule.min)) return `is ${show(v)}, expected ≥ ${rule.min}`;
  if (rule.max !== undefined && !(typeof v === 'number' && v <= rule.max)) return `is ${show(v)}, expected ≤ ${rule.max}`;
  if (rule.matches !== undefined && !(typeof v === 'string' && new RegExp(rule.matches).test(v))) return `is ${show(v)}, expected to match /${rule.matches}/`;
  return undefined;
}

/** Every way `res` misses `exp`; empty when it is a right answer. */
export function expectationProblems(exp: ResolvedExpectation, res: ObservedResponse): string[] {
  const problems: string[] = [];
  const statusOk = exp.status.length ? exp.status.includes(res.status) : res.status >= 200 && res.status < 300;
  if (!statusOk) problems.push(`status ${res.status || '(no response)'}, expected ${exp.status.length ? exp.status.join(' or ') : 'a 2xx'}`);
  if (exp.contentType && !(res.contentType ?? '').toLowerCase().includes(exp.contentType.toLowerCase())) {
    problems.push(`Content-Type ${res.contentType ? show(res.contentType) : '(none)'}, expected ${show(exp.contentType)}`);
  }
  if (exp.contains !== undefined && !res.body.includes(exp.contains)) problems.push(`body does not contain ${show(exp.contains)}`);
  const fields = Object.entries(exp.json);
  if (fields.length) {
    let parsed: unknown;
    try { parsed = JSON.parse(res.body); } catch {
      problems.push(`body is not JSON (${show(res.body.slice(0, 60))}), expected fields ${fields.map(([p]) => p).join(', ')}`);
      return problems;
    }
    for (const [path, e] of fields) {
      const rule = ruleOf(e);
      const at = valuesAt(parsed, path);
      if (!at.found) {
        if (rule.exists !== false) problems.push(`"${path}" is missing`);
        continue;
      }
      if (rule.exists === false) { problems.push(`"${path}" is present, expected absent`); continue; }
      for (const v of at.values) {
        const p = ruleProblem(v, rule);
        if (p) { problems.push(`"${path}" ${p}`); break; }
      }
    }
  }
  return problems;
}
