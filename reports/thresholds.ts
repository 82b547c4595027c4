/**
 * Reads k6 threshold expressions for display: which aggregate, which operator, which limit,
 * and how far the observed value sits from the limit. (Validation is the engine's job; a
 * report shows whatever a summary holds, so anything unreadable is shown as it is.)
 */
export type Operator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface ParsedThreshold {
  /** Key in a k6 summary metric's `values`: "p(95)", "avg", "rate", ... */
  aggregate: string;
  percentile?: number;
  operator: Operator;
  limit: number;
}

const EXPR = /^\s*(avg|min|max|med|count|rate|value|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*$/i;

export function parseThreshold(expression: string): ParsedThreshold | undefined {
  const m = EXPR.exec(expression);
  if (!m) return undefined;
  const percentile = m[2] !== undefined ? Number(m[2]) : undefined;
  return {
    aggregate: percentile !== undefined ? `p(${percentile})` : m[1]!.toLowerCase(),
    percentile,
    operator: m[3] as Operator,
    limit: Number(m[4]),
  };
}

export function compare(observed: number, op: Operator, limit: number): boolean {
  switch (op) {
    case '<': return observed < limit;
    case '<=': return observed <= limit;
    case '>': return observed > limit;
    case '>=': return observed >= limit;
    case '==': case '===': return observed === limit;
    case '!=': return observed !== limit;
  }
}

/**
 * Headroom towards the limit, positive when passing: for "<" limit − observed, for ">"
 * observed − limit; relative to the limit when it is not zero. Undefined for equalities.
 */
export function margin(observed: number, op: Operator, limit: number): { absolute: number; relative?: number } | undefined {
  let absolute: number;
  if (op === '<' || op === '<=') absolute = limit - observed;
  else if (op === '>' || op === '>=') absolute = observed - limit;
  else return undefined;
  return { absolute, relative: limit !== 0 ? absolute / Math.abs(limit) : undefined };
}

/** "http_req_duration{name:GET /x,status:200}" → metric and tag filter. */
export function parseMetricKey(key: string): { metric: string; tags: Record<string, string> } {
  const brace = key.indexOf('{');
  if (brace < 0 || !key.endsWith('}')) return { metric: key, tags: {} };
  const tags: Record<string, string> = {};
  for (const part of key.slice(brace + 1, -1).split(',')) {
    const colon = part.indexOf(':');
    if (colon > 0) tags[part.slice(0, colon).trim()] = part.slice(colon + 1).trim();
  }
  return { metric: key.slice(0, brace), tags };
}
