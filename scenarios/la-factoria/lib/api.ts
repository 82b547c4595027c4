/**
 * One way to call the API from a scenario. Every request carries:
 * - a `name` tag made from the route template (`GET /api/v1/content/:id`), so results group by
 *   endpoint instead of by thousands of distinct URLs;
 * - an `slo` tag saying which target it counts toward (see slo.ts);
 * - the bearer key of the user making it.
 */
import http, { type Params, type RefinedResponse } from 'k6/http';
import type { SloClass } from './slo.ts';
import { BASE_URL } from './target.ts';

export type ApiResponse = RefinedResponse<'text'>;

export interface CallOptions {
  /** Values for the `:param` placeholders of the route. */
  params?: Record<string, string | number>;
  /** Query string, kept out of the `name` tag. */
  query?: Record<string, string | number | undefined>;
  /** Bearer key; omit for the unauthenticated endpoints. */
  key?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Which SLO the request counts toward (default `api`). */
  slo?: SloClass;
  /** Extra tags (`phase`, ...). */
  tags?: Record<string, string>;
  /** Statuses that are not failures for `http_req_failed` (default: k6's 200–399). */
  expectedStatuses?: number[];
  /** Request timeout (default k6's 60 s). */
  timeout?: string;
  /** Accept header (default `application/json`; pages ask for `text/html`). */
  accept?: string;
}

/** Fills `:name` placeholders; each value is URL-encoded. */
export function fillRoute(route: string, params: Record<string, string | number> = {}): string {
  return route.replace(/:([A-Za-z_]\w*)/g, (_, p: string) => {
    const v = params[p];
    if (v === undefined) throw new Error(`route ${route} needs a value for :${p}`);
    return encodeURIComponent(String(v));
  });
}

function queryString(query: CallOptions['query']): string {
  if (!query) return '';
  const parts = Object.entries(query)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Calls `method route` on the target and resolves with k6's response. */
export function call(method: string, route: string, options: CallOptions = {}): Promise<ApiResponse> {
  const url = `${BASE_URL}${fillRoute(route, options.params)}${queryString(options.query)}`;
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
  if (options.key) headers.Authorization = `Bearer ${options.key}`;
  let body: string | null = null;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const params: Params = {
    headers,
    tags: { name: `${method} ${route}`, slo: options.slo ?? 'api', ...options.tags },
  };
  if (options.timeout) params.timeout = options.timeout;
  if (options.expectedStatuses) params.responseCallback = http.expectedStatuses(...options.expectedStatuses);
  return http.asyncRequest(method, url, body, params) as Promise<ApiResponse>;
}

/** The response body parsed as JSON, or undefined when it is not JSON (checks then fail cleanly). */
export function jsonOf<T = Record<string, unknown>>(res: ApiResponse): T | undefined {
  try {
    return JSON.parse(String(res.body)) as T;
  } catch {
    return undefined;
  }
}
