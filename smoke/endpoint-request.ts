/**
 * One of the target's endpoints as a concrete request: placeholders filled from earlier
 * captures (`fillString`/`fillJson`, the helpers the load scenarios use), the query string
 * built, the target's auth header added when the endpoint sends credentials.
 */
import { fillJson, fillString } from '../harness/target/placeholders.ts';
import type { ResolvedEndpoint, Target } from '../harness/target/types.ts';
import { authHeader, urlOf } from './run-target.ts';

export interface EndpointRequest {
  method: string;
  url: string;
  /** Path and query as messages show them. */
  shown: string;
  headers: Record<string, string>;
  data?: unknown;
  timeoutMs: number;
}

export function endpointRequest(target: Target, e: ResolvedEndpoint, vars: Record<string, unknown>, token: string | undefined): EndpointRequest {
  const query = new URLSearchParams(Object.entries(e.query).map(([k, v]) => [k, fillString(v, vars)])).toString();
  const path = fillString(e.path, vars, true);
  const shown = `${path}${query ? `${path.includes('?') ? '&' : '?'}${query}` : ''}`;
  const headers: Record<string, string> = { ...e.headers, ...(e.auth ? authHeader(target.auth, token) : {}) };
  const hasBody = e.body !== undefined;
  if (hasBody && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  return {
    method: e.method,
    url: urlOf(target, shown),
    shown,
    headers,
    ...(hasBody ? { data: JSON.stringify(fillJson(e.body, vars)) } : {}),
    timeoutMs: e.timeoutSeconds * 1000,
  };
}
