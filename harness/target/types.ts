/**
 * What a `shipcheck.config.ts` describes: the services to gate (targets) and the gate's own
 * defaults. `ShipcheckConfig` and its parts are what users write (through `defineConfig`, so
 * their editor completes and checks it); `Target` is one target resolved for a run, every
 * default filled in and the base URL chosen for the environment. A `Target` is plain data:
 * it is embedded in the load script, handed to the smoke suites and written to the result
 * folder, so it holds the names of the environment variables that carry secrets, never the
 * secrets themselves.
 *
 * This file holds types only, so the k6 scenarios (which run in k6's own runtime) can import
 * it as freely as the Node side.
 */

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
export type Profile = 'test' | 'ci' | 'full' | 'soak';
export type EngineChoice = 'auto' | 'k6' | 'node';
/** The load shapes the generic scenario builds from a target's sizing. */
export type LoadShape = 'smoke' | 'users' | 'throughput' | 'gate' | 'spike' | 'stress' | 'soak' | 'breakpoint';

// ------------------------------------------------------------------ what users write

export interface ShipcheckConfig {
  /** The services this project gates, by name (lowercase letters, digits and "-"). */
  targets: Record<string, TargetConfig>;
  /** What `shipcheck gate` does when no flag says otherwise. */
  gate?: GateSettings;
}

export interface GateSettings {
  /** The target to gate when the file describes several (`--target NAME` overrides). */
  target?: string;
  /** Which base URL to use: `local` (default), `staging`, `production`, or any name in `baseUrl`. */
  environment?: string;
  /** Load size: `test` (seconds), `ci` (default: the real targets, each part ≤ 2 min), `full`, `soak`. */
  profile?: Profile;
  /** `auto` (default) runs real k6 when it is on PATH, else the Node engine. */
  engine?: EngineChoice;
  /** The load shape the gate runs (default `gate`: the users, then the arrivals). */
  shape?: LoadShape;
  /** Run the smoke, security and accessibility suites (default true). */
  smoke?: boolean;
  /** Run the load stage (default true). */
  load?: boolean;
  /** A result folder to compare against; regressions fail the gate. */
  baseline?: string;
}

export interface TargetConfig {
  /** One line on what the service is, shown in reports. */
  description?: string;
  /**
   * Where the service answers: one URL for every environment, or one per environment
   * (`{ local: 'http://127.0.0.1:3000', staging: 'https://staging.example.org' }`).
   */
  baseUrl: string | Record<string, string>;
  /**
   * `'included-api'`: in the `local` environment, when no `--target URL` is given, shipcheck
   * starts its included API on an embedded PostgreSQL and issues the keys itself.
   */
  start?: 'included-api';
  auth?: AuthConfig;
  health: HealthConfig;
  /** Named requests: what load and smoke call, each with what a right answer looks like. */
  endpoints?: Record<string, EndpointConfig>;
  /** What users do, step by step; without journeys each user iteration is one endpoint by weight. */
  journeys?: Record<string, JourneyConfig>;
  /** Pages to open in Chromium: scanned with axe (WCAG 2.1 AA) and measured against web-vitals budgets. */
  pages?: Record<string, PageConfig>;
  security?: SecurityConfig;
  slo?: SloConfig;
  sizing?: SizingConfig;
  /** Budgets on what the service's Prometheus `/metrics` exposes, sampled through the load, judged on the peak. */
  resources?: ResourcesConfig;
  /** Timings the service reports itself (a `Server-Timing` entry or a `/metrics` histogram), judged like any SLO. */
  serviceTimings?: Record<string, ServiceTimingConfig>;
  /** Your own k6 scripts (globs relative to this config file), run by the same engines, judged by their own thresholds. */
  load?: { scripts?: string[] };
  /** Your own Playwright specs (globs relative to this config file), run in the same browser setup, folded into the verdict. */
  smoke?: { testMatch?: string[] };
}

export type AuthConfig =
  | { type: 'none' }
  /** `Authorization: Bearer <token>`; the token is read from the variable `tokenEnv`. */
  | { type: 'bearer'; tokenEnv: string; poolEnv?: string }
  /** A header of your own (`X-API-Key: <token>`). */
  | { type: 'header'; header: string; tokenEnv: string; poolEnv?: string };

export interface HealthConfig {
  /** The liveness probe: a path, or a path with what it must answer. */
  liveness: string | ProbeConfig;
  /** The readiness probe (dependencies checked), when the service has one. */
  readiness?: string | ProbeConfig;
}

export interface ProbeConfig {
  path: string;
  /** Send the target's credentials (default false: probes are public). */
  auth?: boolean;
  expect?: ResponseExpectation;
}

/** A JSON body field's rule: a value it must equal, or a rule object. */
export type JsonExpectation = string | number | boolean | null | JsonRule;
export interface JsonRule {
  equals?: string | number | boolean | null;
  oneOf?: Array<string | number | boolean | null>;
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'null';
  /** true: the field is present; false: it is absent. */
  exists?: boolean;
  /** Arrays and strings: at least this many elements or characters. */
  minLength?: number;
  min?: number;
  max?: number;
  /** Strings: a regular expression the value matches. */
  matches?: string;
}

export interface ResponseExpectation {
  /** Status (or statuses) of a right answer; default any 2xx. */
  status?: number | number[];
  /** A substring of the Content-Type header, e.g. "application/json" or "text/html". */
  contentType?: string;
  /** Text the body contains. */
  contains?: string;
  /**
   * JSON body fields by path: `status`, `items.0.id`, `items.*.id` (every element).
   * `{ "checks.database.status": "healthy", items: { type: "array" } }`
   */
  json?: Record<string, JsonExpectation>;
}

export interface EndpointConfig {
  method?: HttpMethod;
  /** Path below the base URL; `{name}` placeholders are filled from earlier captures. */
  path: string;
  query?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
  /** JSON body; its strings may hold `{name}` placeholders too. */
  body?: unknown;
  /** Send the target's credentials (default true when the target has auth). */
  auth?: boolean;
  expect?: ResponseExpectation;
  /** The SLO group it counts toward (default `api`); `slo.groups` sets each group's limits. */
  group?: string;
  /** Share of the arrival mix, and of user iterations when there are no journeys (default 1; 0 = journeys only). */
  weight?: number;
  /** Values to keep for later requests, by JSON path; `*` picks a random element: `{ id: 'items.*.id' }`. */
  capture?: Record<string, string>;
  /** Called once by the smoke suite (default true for GET and HEAD; set it for a write that is safe to repeat). */
  smoke?: boolean;
  /** Request timeout in seconds (default 60, k6's). */
  timeoutSeconds?: number;
}

export interface JourneyConfig {
  /** Share of users following this journey (default 1). */
  weight?: number;
  steps: JourneyStep[];
}
/** An endpoint's name, an endpoint taken with a probability, or a pause. */
export type JourneyStep = string | { endpoint: string; chance?: number } | { think: number | [number, number] };

export interface PageConfig {
  path: string;
  /** First Contentful Paint budget in ms (default 2000, the seeds' FCP < 2 s). */
  fcpMs?: number;
  /** Largest Contentful Paint budget in ms (default 2500, "good" in Core Web Vitals). */
  lcpMs?: number;
  /** Cumulative Layout Shift budget (default 0.1). */
  cls?: number;
  /** Page load (load event) budget in ms (default 3000, the seeds' page load < 3 s). */
  loadMs?: number;
  /** Scan with axe against WCAG 2.1 A/AA (default true). */
  a11y?: boolean;
  /** Walk the page with Tab alone: every control reachable, focus visible, no trap (default false). */
  keyboard?: boolean;
  /** A CSS selector that must be visible before the page is measured and scanned. */
  waitFor?: string;
}

/** A required response header: a value it equals (case-insensitive), or a regular expression. */
export type HeaderRule = { equals: string } | { matches: string };

export interface SecurityConfig {
  /**
   * Headers every response must carry. Defaults: HSTS with max-age > 0, a CSP with
   * default-src, X-Frame-Options DENY, X-Content-Type-Options nosniff; `false` drops one.
   */
  headers?: Record<string, HeaderRule | false>;
  /** Headers no response may carry (default `x-powered-by`); a Server header with a version is always refused. */
  forbiddenHeaders?: string[];
  /** More paths whose responses must carry the headers (health, pages, endpoints and a 404 are always probed). */
  probes?: string[];
  cors?: {
    /** Origins that must be allowed (Access-Control-Allow-Origin echoes them). */
    allowed?: string[];
    /** Origins that must be refused (default one no service should allow). */
    refused?: string[];
    /** The path to ask (default the liveness path). */
    path?: string;
  };
  /** Routes that must answer 401 without a token and with a wrong one: "/api/items" or "POST /api/items". */
  requireAuth?: string[];
  /** A route whose rate limit must answer 429 with Retry-After, driven with a key of its own. */
  rateLimit?: {
    path: string;
    method?: HttpMethod;
    /** Give up after this many requests without a 429 (default 500). */
    maxRequests?: number;
  };
}

export interface SloConfig {
  /** Latency limits per endpoint group (default `api`: p95 < 200 ms, p99 < 500 ms). */
  groups?: Record<string, { p95Ms?: number; p99Ms?: number }>;
  /** Share of requests that may fail (default 0.01). */
  errorRate?: number;
  /** Share of checks that must pass (default 0.99). */
  checksRate?: number;
  /** Health probes' p99 in ms (default 100); the smoke suite holds their median to it too. */
  healthP99Ms?: number;
}

export interface SizingConfig {
  /** Concurrent users the service is sized for (default 500). */
  users?: number;
  /** Sustained requests per hour (default 10,000). */
  requestsPerHour?: number;
  /** A user's pause between requests, seconds: fixed, or uniform between [min, max] (default [1, 5]). */
  thinkTimeSeconds?: number | [number, number];
  /** Spikes and stress go to this multiple of normal load (default 3). */
  spikeFactor?: number;
}

export interface ResourcesConfig {
  /** The Prometheus text endpoint: a path below the base URL or an absolute URL. */
  metricsPath: string;
  /** Send the target's credentials when scraping (default false). */
  auth?: boolean;
  /** Seconds between samples (default 2). */
  intervalSeconds?: number;
  /** Budgets by label: `{ 'resident memory': { metric: 'process_resident_memory_bytes', max: 512 * 2 ** 20, unit: 'bytes' } }`. */
  budgets: Record<string, ResourceBudget>;
}

export interface ResourceBudget {
  /** A Prometheus metric name. */
  metric: string;
  /** Only the series with these labels (default: the sum of every series). */
  labels?: Record<string, string>;
  /** The peak allowed: of the value (gauges), or of its per-second rate when `rate` (counters, e.g. CPU seconds → cores). */
  max: number;
  rate?: boolean;
  unit?: 'bytes' | 'cores' | 'seconds' | 'count';
}

export type ServiceTimingConfig =
  | {
    /** The `Server-Timing` entry (`retrieval;dur=123.4`) whose duration is judged. */
    serverTiming: string;
    /** Only on responses of these endpoints (default: every endpoint). */
    endpoints?: string[];
    p95Ms?: number;
    p99Ms?: number;
  }
  | {
    /** A Prometheus histogram in seconds (`rag_retrieval_seconds`); its quantiles over the run are judged. */
    histogram: string;
    labels?: Record<string, string>;
    /** Where to scrape it (default `resources.metricsPath`, else `/metrics`). */
    metricsPath?: string;
    p95Ms?: number;
    p99Ms?: number;
  };

// ------------------------------------------------------------------ one target, resolved for a run

/** How the load and smoke suites authenticate; token values come from the named environment variables. */
export type ResolvedAuth =
  | { type: 'none' }
  | { type: 'bearer' | 'header'; header: string; tokenEnv: string; poolEnv?: string };

export interface ResolvedExpectation {
  /** Right statuses; empty means any 2xx. */
  status: number[];
  contentType?: string;
  contains?: string;
  json: Record<string, JsonExpectation>;
}

export interface ResolvedProbe { name: 'liveness' | 'readiness'; path: string; auth: boolean; expect: ResolvedExpectation }

export interface ResolvedEndpoint {
  /** The config's key. */
  key: string;
  /** The request's `name` tag: "METHOD /path/{param}" (no query string), as summaries and reports show it. */
  name: string;
  method: HttpMethod;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
  auth: boolean;
  expect: ResolvedExpectation;
  group: string;
  weight: number;
  capture: Record<string, string>;
  /** Placeholders in the path, query and body that captures must fill. */
  needs: string[];
  smoke: boolean;
  timeoutSeconds: number;
}

export type ResolvedStep = { endpoint: string; chance: number } | { think: [number, number] };
export interface ResolvedJourney { name: string; weight: number; steps: ResolvedStep[] }

export interface ResolvedPage {
  name: string;
  path: string;
  fcpMs: number;
  lcpMs: number;
  cls: number;
  loadMs: number;
  a11y: boolean;
  keyboard: boolean;
  waitFor?: string;
}

export interface ResolvedSecurity {
  headers: Record<string, HeaderRule>;
  forbiddenHeaders: string[];
  probes: string[];
  cors: { allowed: string[]; refused: string[]; path: string };
  requireAuth: Array<{ method: HttpMethod; path: string }>;
  rateLimit?: { path: string; method: HttpMethod; maxRequests: number };
}

export interface ResolvedSlo {
  /** Each group's limits; a limit left out is not judged. */
  groups: Record<string, { p95Ms?: number; p99Ms?: number }>;
  errorRate: number;
  checksRate: number;
  healthP99Ms: number;
}

export interface ResolvedSizing { users: number; requestsPerHour: number; thinkTimeSeconds: [number, number]; spikeFactor: number }

export interface ResolvedBudget extends ResourceBudget { label: string; /** The k6 metric the samples go to. */ k6Metric: string; rate: boolean; unit: NonNullable<ResourceBudget['unit']> }
/** `metricsPath` stays a path (below whatever base URL the run uses) or an absolute URL. */
export interface ResolvedResources { metricsPath: string; auth: boolean; intervalSeconds: number; budgets: ResolvedBudget[] }

export type ResolvedServiceTiming =
  | { label: string; kind: 'server-timing'; entry: string; endpoints: string[]; p95Ms?: number; p99Ms?: number; k6Metric: string }
  /** `k6Metric` is a prefix here: the run-long quantiles go to gauges `<k6Metric>_p95` and `<k6Metric>_p99`. */
  | { label: string; kind: 'histogram'; histogram: string; labels: Record<string, string>; metricsPath: string; auth: boolean; p95Ms?: number; p99Ms?: number; k6Metric: string };

export interface Target {
  name: string;
  description: string;
  /** The environment the base URL was chosen for. */
  environment: string;
  /** Base URL without a trailing slash. */
  baseUrl: string;
  /** Every environment's URL, as configured. */
  baseUrls: Record<string, string>;
  start?: 'included-api';
  auth: ResolvedAuth;
  health: { liveness: ResolvedProbe; readiness?: ResolvedProbe };
  endpoints: ResolvedEndpoint[];
  journeys: ResolvedJourney[];
  pages: ResolvedPage[];
  security: ResolvedSecurity;
  slo: ResolvedSlo;
  sizing: ResolvedSizing;
  resources?: ResolvedResources;
  serviceTimings: ResolvedServiceTiming[];
  /** Absolute paths of the user's own k6 scripts. */
  scripts: string[];
  /** The user's own Playwright specs: the folder their globs are relative to, and the globs. */
  specs?: { dir: string; testMatch: string[] };
  /** The config file this came from (absent for a target built in code). */
  configFile?: string;
}
