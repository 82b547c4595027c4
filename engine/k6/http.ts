/**
 * k6/http on undici. Every request is the async form underneath (`http.asyncRequest`); the
 * sync calls (get, post, request, batch, ...) return the same promise, which a sync-mode
 * script (engine/script-module.ts) has been rewritten to await, so a VU waits for its
 * response while the thread serves the others. The per-request path does no regex work and
 * allocates the call's inputs, one handler, one promise and the response (a VU repeating a
 * request reuses its tags object); cookies and URL credentials cost only when present.
 */
import type { Dispatcher } from 'undici';
import { claimConnect, sharedAgent } from '../http-agent.ts';
import { runtime, UnsupportedCallError } from '../runtime.ts';
import { currentVu, type Vu } from '../vu.ts';
import type { Tags } from '../metrics/types.ts';
import type { parseHTML as ParseHTML, Selection } from './html.ts';
import { CookieJar, parseSetCookie } from './cookies.ts';

type Body = string | ArrayBuffer | ArrayBufferView | Record<string, unknown> | null | undefined;

export interface ExpectedStatuses { readonly _expected: Array<number | { min: number; max: number }> }

export interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  timeout?: string | number;
  responseType?: 'text' | 'binary' | 'none';
  responseCallback?: ExpectedStatuses | null;
  redirects?: number;
  /** Request cookies: added to the jar's, or instead of the jar's same-named cookie with `replace`. */
  cookies?: Record<string, string | { value: string; replace?: boolean }>;
  /** The jar to use instead of the VU's own (`new http.CookieJar()`). */
  jar?: CookieJar;
}

export interface Timings {
  blocked: number; connecting: number; tls_handshaking: number; sending: number;
  waiting: number; receiving: number; duration: number;
}

// ------------------------------------------------------------------ expected statuses

export function expectedStatuses(...statuses: Array<number | { min: number; max: number }>): ExpectedStatuses {
  for (const s of statuses) {
    const ok = typeof s === 'number' ? Number.isInteger(s) : (s && typeof s.min === 'number' && typeof s.max === 'number');
    if (!ok) throw new Error(`http.expectedStatuses: ${JSON.stringify(s)} is neither a status code nor {min, max}.`);
  }
  return Object.freeze({ _expected: statuses });
}

function isExpected(cb: ExpectedStatuses, status: number): boolean {
  const list = cb._expected;
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    if (typeof s === 'number' ? s === status : status >= s.min && status <= s.max) return true;
  }
  return false;
}

let defaultCallback: ExpectedStatuses | null = expectedStatuses({ min: 200, max: 399 });

export function setResponseCallback(cb: ExpectedStatuses | null): void {
  defaultCallback = cb;
}

// ------------------------------------------------------------------ response

const canonicalNames = new Map<string, string>();
/** Go's canonical header form, as k6 shows them: content-type → Content-Type. */
function canonicalHeader(raw: string): string {
  let c = canonicalNames.get(raw);
  if (c !== undefined) return c;
  c = raw.toLowerCase().split('-').map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w)).join('-');
  if (canonicalNames.size < 5000) canonicalNames.set(raw, c);
  return c;
}

export class Response {
  status = 0;
  status_text = '';
  proto = 'HTTP/1.1';
  error = '';
  error_code = 0;
  url: string;
  remote_ip = '';
  remote_port = 0;
  timings: Timings;
  tls_version = '';
  tls_cipher_suite = '';
  // Headers, body and the request echo are built on first access: most iterations read only
  // the status, and decoding every response on the hot path would cost for nothing.
  private rawHeaders: Buffer[] | string[] | undefined;
  private parsedHeaders: Record<string, string> | undefined;
  private chunks: Buffer[] | undefined;
  private responseType = 'text';
  private decodedBody: string | ArrayBuffer | null | undefined;
  // The request, kept as fields (not an object of its own) for the lazily built `request`.
  private readonly reqMethod: string;
  private readonly reqUrl: string;
  private readonly reqHeaders: Record<string, string>;
  private readonly reqBody: string;
  private requestEcho: Response['request'] | undefined;

  constructor(method: string, url: string, reqHeaders: Record<string, string>, reqBody: string, timings: Timings) {
    this.url = url;
    this.timings = timings;
    this.reqMethod = method;
    this.reqUrl = url;
    this.reqHeaders = reqHeaders;
    this.reqBody = reqBody;
  }

  /** Internal: hands over what undici delivered. */
  setRaw(rawHeaders: Buffer[] | string[], chunks: Buffer[] | undefined, responseType: string): void {
    this.rawHeaders = rawHeaders;
    this.chunks = chunks;
    this.responseType = responseType;
  }

  get headers(): Record<string, string> {
    if (this.parsedHeaders === undefined) {
      const h: Record<string, string> = {};
      const raw = this.rawHeaders ?? [];
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const k = canonicalHeader(raw[i]!.toString());
        const v = raw[i + 1]!.toString();
        h[k] = h[k] === undefined ? v : `${h[k]}, ${v}`;
      }
      this.parsedHeaders = h;
    }
    return this.parsedHeaders;
  }
  set headers(v: Record<string, string>) { this.parsedHeaders = v; }

  get body(): string | ArrayBuffer | null {
    if (this.decodedBody === undefined) {
      if (this.chunks === undefined || this.responseType === 'none') this.decodedBody = null;
      else {
        const buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
        this.decodedBody = this.responseType === 'binary' ? buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer : buf.toString('utf8');
      }
      this.chunks = undefined;
    }
    return this.decodedBody;
  }
  set body(v: string | ArrayBuffer | null) { this.decodedBody = v; }

  get request(): { method: string; url: string; headers: Record<string, string[]>; body: string; cookies: Record<string, unknown> } {
    if (!this.requestEcho) {
      const h: Record<string, string[]> = {};
      for (const k in this.reqHeaders) h[canonicalHeader(k)] = [this.reqHeaders[k]!];
      this.requestEcho = { method: this.reqMethod, url: this.reqUrl, headers: h, body: this.reqBody, cookies: {} };
    }
    return this.requestEcho;
  }

  /** The cookies this response set: `{ name: [{ name, value, domain, path, http_only, secure, max_age, expires }] }`. */
  get cookies(): Record<string, Array<{ name: string; value: string; domain: string; path: string; http_only: boolean; secure: boolean; max_age: number; expires: number }>> {
    const out: Record<string, Array<{ name: string; value: string; domain: string; path: string; http_only: boolean; secure: boolean; max_age: number; expires: number }>> = {};
    const raw = this.rawHeaders ?? [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if (raw[i]!.toString().toLowerCase() !== 'set-cookie') continue;
      const c = parseSetCookie(raw[i + 1]!.toString(), new URL(this.url));
      if (c) (out[c.name] ??= []).push({ name: c.name, value: c.value, domain: c.domain, path: c.path, http_only: c.httpOnly, secure: c.secure, max_age: 0, expires: c.expires ?? 0 });
    }
    return out;
  }
  get ocsp(): { status: string } { return { status: 'unknown' }; }

  /** Parses the body as JSON; with a selector, returns the value at that dotted path ("a.b.0.c", "a.#"). */
  json(selector?: string): unknown {
    if (this.body === null || this.body === undefined) throw new Error(`Response.json(): the response body of ${this.url} is empty (responseType "none"?).`);
    const text = typeof this.body === 'string' ? this.body : Buffer.from(this.body).toString('utf8');
    const value = JSON.parse(text) as unknown;
    if (selector === undefined) return value;
    let v: unknown = value;
    for (const part of selector.split('.')) {
      if (v === null || v === undefined) return undefined;
      if (part === '#' && Array.isArray(v)) return v.length;
      v = (v as Record<string, unknown>)[part];
    }
    return v;
  }

  /** The body as a k6/html Selection (optionally narrowed by a selector). */
  html(selector?: string): Selection {
    if (!htmlParser) throw new Error('res.html(): k6/html was not loaded (internal: the engine loads it when the script mentions html).');
    const doc = htmlParser(typeof this.body === 'string' ? this.body : this.body === null ? '' : Buffer.from(this.body).toString('utf8'));
    return selector === undefined ? doc : doc.find(selector);
  }

  /** Follows the first link matching `selector` (default `a[href]`), resolved against this response's URL. */
  clickLink(o: { selector?: string; params?: Params } = {}): Promise<Response> {
    const sel = o.selector ?? 'a[href]';
    const href = this.html(sel).first().attr('href');
    if (href === undefined) return Promise.reject(new Error(`clickLink: no element matches ${JSON.stringify(sel)} with an href in the response of ${this.url}`));
    return request('GET', new URL(href, this.url).href, null, o.params);
  }

  /**
   * Submits the form matching `formSelector` (default `form`): its fields (inputs, selects,
   * textareas) with `fields` over them, to its action (default this URL) with its method (default GET).
   */
  submitForm(o: { formSelector?: string; fields?: Record<string, string>; submitSelector?: string; params?: Params } = {}): Promise<Response> {
    const sel = o.formSelector ?? 'form';
    const form = this.html(sel).first();
    if (form.size() === 0) return Promise.reject(new Error(`submitForm: no form matches ${JSON.stringify(sel)} in the response of ${this.url}`));
    const values: Record<string, string> = {};
    for (const { name, value } of form.serializeArray()) values[name] = value;
    if (o.submitSelector) {
      const b = form.find(o.submitSelector).first();
      const n = b.attr('name');
      if (n) values[n] = b.attr('value') ?? '';
    }
    Object.assign(values, o.fields ?? {});
    const action = new URL(form.attr('action') || this.url, this.url);
    const method = (form.attr('method') || 'GET').toUpperCase();
    if (method === 'GET') {
      for (const [k, v] of Object.entries(values)) action.searchParams.set(k, v);
      return request('GET', action.href, null, o.params);
    }
    return request(method, action.href, values, o.params);
  }
}

// cheerio is large: engine/script-module.ts loads k6/html only for scripts that mention it.
let htmlParser: typeof ParseHTML | undefined;
export function useHtmlParser(fn: typeof ParseHTML): void { htmlParser = fn; }

// ------------------------------------------------------------------ errors k6 reports

/** k6's error codes (docs: "Error codes") for the failures undici reports. */
function k6Error(e: unknown): { error: string; code: number } {
  const err = e as { code?: string; message?: string; cause?: { code?: string } };
  const code = err?.code ?? err?.cause?.code ?? '';
  switch (code) {
    case 'ECONNREFUSED': return { error: 'dial: connection refused', code: 1212 };
    case 'ECONNRESET': return { error: 'read: connection reset by peer', code: 1220 };
    case 'EPIPE': return { error: 'write: broken pipe', code: 1201 };
    // As k6 reports it (a TCP dial error); the hint is ours: the run opened more sockets than `ulimit -n` allows.
    case 'EMFILE': case 'ENFILE': return { error: `dial: socket: too many open files (${code}: raise ulimit -n, or split the VUs over machines)`, code: 1200 };
    case 'ENOTFOUND': case 'EAI_AGAIN': return { error: 'lookup: no such host', code: 1101 };
    case 'ETIMEDOUT': case 'UND_ERR_CONNECT_TIMEOUT': return { error: 'dial: i/o timeout', code: 1211 };
    case 'UND_ERR_HEADERS_TIMEOUT': case 'UND_ERR_BODY_TIMEOUT': case 'SHIPCHECK_TIMEOUT': return { error: 'request timeout', code: 1050 };
    case 'UND_ERR_SOCKET': case 'UND_ERR_CLOSED': return { error: 'unexpected EOF', code: 1000 };
    default: return { error: err?.message ?? String(e), code: 1000 };
  }
}

// ------------------------------------------------------------------ request plumbing

interface ParsedUrl { origin: string; path: string; ok: boolean; /** "Basic …" from credentials in the URL. */ auth?: string }
const urlCache = new Map<string, ParsedUrl>();
function parseUrl(url: string): ParsedUrl {
  let p = urlCache.get(url);
  if (p !== undefined) return p;
  try {
    const u = new URL(url);
    p = { origin: u.origin, path: (u.pathname || '/') + u.search, ok: u.protocol === 'http:' || u.protocol === 'https:' };
    if (u.username || u.password) p.auth = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
  } catch {
    p = { origin: '', path: '', ok: false };
  }
  if (urlCache.size >= 10_000) urlCache.clear();
  urlCache.set(url, p);
  return p;
}

function encodeBody(body: Body, headers: Record<string, string>): string | Uint8Array | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  const fields = body as Record<string, unknown>;
  // An object with an http.file() in it goes as multipart/form-data, as in k6.
  for (const k in fields) if (fields[k] instanceof FileData) return multipart(fields, headers);
  // k6 sends a plain object as a form.
  if (headers['Content-Type'] === undefined && headers['content-type'] === undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  const form = new URLSearchParams();
  for (const k in body) form.append(k, String((body as Record<string, unknown>)[k]));
  return form.toString();
}

function timeoutMs(t: string | number | undefined): number {
  if (t === undefined) return 60_000;
  if (typeof t === 'number') return t;
  const s = t.trim();
  let n = parseFloat(s);
  if (s.endsWith('ms')) return n;
  if (s.endsWith('m')) n *= 60_000;
  else if (s.endsWith('h')) n *= 3_600_000;
  else n *= 1000;
  return n;
}

const noRawHeaders: string[] = [];
/** An empty body: decodes to "" (never mutated; Response drops its reference once decoded). */
const noChunks: Buffer[] = [];

/**
 * One asyncRequest call: what the script asked for, and the request's life in undici's
 * handler callbacks, turned into k6's timings. When undici is done, the handler builds the
 * Response, emits the samples and settles the caller's promise itself: no `.then` and no
 * closure per request (each is a promise for AsyncLocalStorage's hooks to track, and
 * garbage), so a request costs one promise.
 */
class RequestHandler {
  start = performance.now();
  connectedAt = 0;
  sentAt = 0;
  headersAt = 0;
  status = 0;
  statusText = '';
  rawHeaders: Buffer[] | string[] = noRawHeaders;
  chunks: Buffer[] | undefined;
  bodyBytes = 0;
  abortFn: ((e?: Error) => void) | undefined;
  failure: unknown;
  done = false;
  resolve!: (r: Response | Promise<Response>) => void;
  reject!: (e: unknown) => void;

  constructor(
    readonly call: HttpCall,
    /** responseType "none": the body is counted, not kept. */
    readonly discardBody: boolean,
  ) {}

  onConnect(abort: (e?: Error) => void): void { this.abortFn = abort; this.connectedAt = performance.now(); }
  onRequestSent(): void { this.sentAt = performance.now(); }
  onHeaders(statusCode: number, rawHeaders: Buffer[] | string[], _resume: () => void, statusText: string): boolean {
    this.headersAt = performance.now();
    this.status = statusCode;
    this.statusText = statusText;
    this.rawHeaders = rawHeaders;
    return true;
  }
  onData(chunk: Buffer): boolean {
    this.bodyBytes += chunk.length;
    if (!this.discardBody) (this.chunks ??= []).push(chunk);
    return true;
  }
  onComplete(): void { this.finish(); }
  onError(err: Error): void { this.failure = err; this.finish(); }
  finish(): void {
    if (this.done) return;
    this.done = true;
    // Runs inside undici's callback, so nothing may escape: an exception would hit its parser.
    try {
      const c = this.call;
      if (this.headersAt) storeCookies(c, this.rawHeaders);
      const res = finish(this, c);
      const loc = res.status >= 300 && res.status < 400 && res.status !== 304 ? res.headers.Location : undefined;
      if (loc && c.redirectsLeft-- > 0) {
        c.url = new URL(loc, c.url).href;
        c.name = undefined;
        if (res.status === 303 || ((res.status === 301 || res.status === 302) && c.method === 'POST')) c.method = 'GET';
        send(c, this.resolve, this.reject);
      } else this.resolve(res);
    } catch (e) {
      this.reject(e);
    }
  }
}

/** One asyncRequest call's inputs (the URL, name and method change when it follows a redirect). */
interface HttpCall {
  rt: ReturnType<typeof runtime>;
  vu: Vu;
  method: string;
  url: string;
  name: string | undefined;
  headers: Record<string, string>;
  payload: string | Uint8Array | undefined;
  payloadText: string;
  responseType: string;
  timeout: number;
  redirectsLeft: number;
  callback: ExpectedStatuses | null;
  tags: Record<string, string> | undefined;
  /** The headers the script gave (cookies and URL credentials are added per hop in send()). */
  baseHeaders: Record<string, string>;
  jar: CookieJar | undefined;
  reqCookies: Params['cookies'];
}

/** The jar a request uses: params.jar, else its VU's own (made on first use). */
function jarOf(c: HttpCall, create: boolean): CookieJar | undefined {
  if (c.jar) return c.jar;
  if (c.vu.cookieJar === undefined && create) c.vu.cookieJar = new CookieJar();
  return c.vu.cookieJar as CookieJar | undefined;
}

/** The headers of one hop: the script's, plus the jar's and the request's cookies, plus Basic auth from URL credentials. */
function hopHeaders(c: HttpCall, u: ParsedUrl): Record<string, string> {
  const jar = jarOf(c, false);
  if ((jar === undefined || jar.empty) && c.reqCookies === undefined && u.auth === undefined) return c.baseHeaders;
  const h = { ...c.baseHeaders };
  if (u.auth !== undefined && h.Authorization === undefined && h.authorization === undefined) h.Authorization = u.auth;
  const pairs: string[] = [];
  const replaced = new Set<string>();
  if (c.reqCookies) for (const k in c.reqCookies) { const v = c.reqCookies[k]; if (typeof v === 'object' && v?.replace) replaced.add(k); }
  if (jar && !jar.empty) for (const ck of jar.matching(c.url)) if (!replaced.has(ck.name)) pairs.push(`${ck.name}=${ck.value}`);
  if (c.reqCookies) for (const k in c.reqCookies) { const v = c.reqCookies[k]; pairs.push(`${k}=${typeof v === 'object' && v !== null ? v.value : v}`); }
  if (pairs.length > 0) h.Cookie = pairs.join('; ');
  return h;
}

/** Keeps a response's Set-Cookie headers in the request's jar (every hop of a redirect chain). */
function storeCookies(c: HttpCall, raw: Buffer[] | string[]): void {
  let u: URL | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = raw[i]!;
    if (k.length !== 10 || k.toString().toLowerCase() !== 'set-cookie') continue;
    u ??= new URL(c.url);
    const parsed = parseSetCookie(raw[i + 1]!.toString(), u);
    if (parsed) jarOf(c, true)!.store(parsed);
  }
}

/** Dispatches `c` to undici; the handler settles `resolve`/`reject` when it is done. */
function send(c: HttpCall, resolve: RequestHandler['resolve'], reject: RequestHandler['reject']): void {
  const u = parseUrl(c.url);
  const h = new RequestHandler(c, c.responseType === 'none');
  h.resolve = resolve;
  h.reject = reject;
  if (!u.ok) {
    h.onError(Object.assign(new Error(`invalid URL ${JSON.stringify(c.url)}`), { code: 'INVALID_URL' }));
    return;
  }
  // undici's own (coarse, shared) timers enforce k6's timeout: no timer per request here.
  c.headers = hopHeaders(c, u);
  const opts: Dispatcher.DispatchOptions = {
    origin: u.origin, path: u.path, method: c.method, headers: c.headers, body: c.payload,
    headersTimeout: c.timeout, bodyTimeout: c.timeout,
  };
  try {
    sharedAgent(agentVus).dispatch(opts, h as unknown as Dispatcher.DispatchHandler);
  } catch (e) {
    h.onError(e as Error);
  }
}

let agentVus = 1;
/** Called by the runner before VUs start, so the Agent has a connection slot per VU. */
export function sizeForVus(vus: number): void { agentVus = Math.max(1, vus); }

// ------------------------------------------------------------------ asyncRequest

const emptyParams: Params = {};

export function asyncRequest(method: string, url: string | { url: string; name?: string }, body?: Body, params?: Params | null): Promise<Response> {
  const rt = runtime();
  if (rt.initContext) return Promise.reject(new Error('http.asyncRequest() cannot run in the init context (k6 allows requests only in setup, default/exec functions and teardown).'));
  const vu = currentVu();
  const p = params ?? emptyParams;
  const verb = method.toUpperCase();
  let name: string | undefined;
  let urlStr: string;
  if (typeof url === 'string') urlStr = url;
  else { urlStr = String(url.url); name = url.name; }

  // The common case (no headers, cookies or form body) shares one headers object: undici only reads it.
  let headers: Record<string, string>;
  if (p.headers === undefined && (body === null || body === undefined || typeof body === 'string')) headers = defaultHeaders();
  else {
    headers = { 'User-Agent': userAgent() };
    if (p.headers) for (const k in p.headers) headers[k] = String(p.headers[k]);
  }
  let payload: string | Uint8Array | undefined;
  try { payload = encodeBody(body, headers); } catch (e) { return Promise.reject(e); }
  const payloadText = payload === undefined ? '' : typeof payload === 'string' ? payload : '';
  const responseType = p.responseType ?? (rt.options.discardResponseBodies === true ? 'none' : 'text');
  const timeout = timeoutMs(p.timeout);

  const call: HttpCall = {
    rt, vu, method: verb, url: urlStr, name, headers, payload, payloadText, responseType, timeout,
    redirectsLeft: p.redirects ?? (typeof rt.options.maxRedirects === 'number' ? rt.options.maxRedirects : 10),
    callback: p.responseCallback !== undefined ? p.responseCallback : defaultCallback, tags: p.tags,
    baseHeaders: headers, jar: p.jar, reqCookies: p.cookies,
  };
  const done = new Promise<Response>(captureSettlers);
  send(call, capturedResolve!, capturedReject!);
  return done;
}

// new Promise(captureSettlers) hands its resolve/reject out without a closure per request.
let capturedResolve: RequestHandler['resolve'] | undefined;
let capturedReject: RequestHandler['reject'] | undefined;
function captureSettlers(resolve: RequestHandler['resolve'], reject: RequestHandler['reject']): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

let sharedHeaders: Record<string, string> | undefined;
let sharedHeadersUa = '';
function defaultHeaders(): Record<string, string> {
  const ua = userAgent();
  if (sharedHeaders === undefined || sharedHeadersUa !== ua) {
    sharedHeaders = Object.freeze({ 'User-Agent': ua }) as Record<string, string>;
    sharedHeadersUa = ua;
  }
  return sharedHeaders;
}

function userAgent(): string {
  const ua = runtime().options.userAgent;
  return typeof ua === 'string' ? ua : 'k6/2.2.0 (https://k6.io/) shipcheck-node-engine';
}

/** Turns a finished request into k6's Response and emits its samples. */
function finish(h: RequestHandler, c: HttpCall): Response {
  const { rt, vu, method, url, name, headers, payload, payloadText, responseType, callback, tags: extraTags } = c;
  const u = parseUrl(url);
  const end = performance.now();
  const connecting = h.connectedAt ? claimConnect(h.start) : 0;
  const connectedAt = h.connectedAt || end;
  const sentAt = h.sentAt || connectedAt;
  const headersAt = h.headersAt || end;
  const waiting = h.headersAt ? headersAt - sentAt : 0;
  const receiving = h.headersAt ? end - headersAt : 0;
  const sending = Math.max(0, sentAt - connectedAt);
  const timings: Timings = {
    blocked: Math.max(0, connectedAt - h.start - connecting), connecting, tls_handshaking: 0,
    sending, waiting, receiving, duration: sending + waiting + receiving,
  };
  const res = new Response(method, url, headers, payloadText, timings);
  let received = 0;
  if (h.failure !== undefined && !h.headersAt) {
    const { error, code } = u.ok ? k6Error(h.failure) : { error: (h.failure as Error).message, code: 1020 };
    res.error = error;
    res.error_code = code;
  } else {
    res.status = h.status;
    res.status_text = statusLine(h.status, h.statusText);
    const raw = h.rawHeaders;
    for (let i = 0; i < raw.length; i++) received += raw[i]!.length + 2;
    received += 17 + h.statusText.length + h.bodyBytes;
    res.setRaw(raw, responseType === 'none' ? undefined : (h.chunks ?? noChunks), responseType);
    if (h.failure !== undefined) {
      const { error, code } = k6Error(h.failure);
      res.error = error;
      res.error_code = code;
    }
  }
  if (vu.interrupted) return res;

  // Samples: one tags object shared by every metric of this request (k6 does the same).
  const base = vu.sampleTags;
  let expected = true;
  if (callback !== null) expected = res.status !== 0 && isExpected(callback, res.status);
  const tags = requestTags(vu, base, method, url, name ?? url, res, callback !== null, expected, extraTags);

  const now = Date.now();
  const b = rt.builtin;
  rt.emit(b.http_reqs, 1, tags, now);
  rt.emit(b.http_req_duration, timings.duration, tags, now);
  rt.emit(b.http_req_blocked, timings.blocked, tags, now);
  rt.emit(b.http_req_connecting, timings.connecting, tags, now);
  rt.emit(b.http_req_tls_handshaking, 0, tags, now);
  rt.emit(b.http_req_sending, timings.sending, tags, now);
  rt.emit(b.http_req_waiting, timings.waiting, tags, now);
  rt.emit(b.http_req_receiving, timings.receiving, tags, now);
  if (callback !== null) rt.emit(b.http_req_failed, expected ? 0 : 1, tags, now);

  let sent = method.length + u.path.length + 12 + (payload === undefined ? 0 : typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength);
  sent += headerBytes(headers);
  const dataTags = base;
  rt.emit(b.data_sent, sent, dataTags, now);
  if (received > 0) rt.emit(b.data_received, received, dataTags, now);
  return res;
}

// One-entry caches: a VU loop repeats the same status and sends the same (shared, frozen)
// headers object, so neither the "200 OK" string nor the header byte count is rebuilt per request.
let lastStatus = 0;
let lastStatusText = '';
let lastStatusLine = '';
function statusLine(status: number, text: string): string {
  if (status !== lastStatus || text !== lastStatusText) {
    lastStatus = status;
    lastStatusText = text;
    lastStatusLine = `${status} ${text}`;
  }
  return lastStatusLine;
}

// Safe to key on identity: headers objects are never changed once their request is sent.
let lastHeaders: Record<string, string> | undefined;
let lastHeaderBytes = 0;
/** Bytes the request's header lines take on the wire ("Name: value\r\n"). */
function headerBytes(headers: Record<string, string>): number {
  if (headers !== lastHeaders) {
    let n = 0;
    for (const k in headers) n += k.length + headers[k]!.length + 4;
    lastHeaders = headers;
    lastHeaderBytes = n;
  }
  return lastHeaderBytes;
}

/**
 * The tags of one request's samples. A VU looping over the same request gets the very same
 * (never mutated) object back, which saves building and copying it on every request.
 */
function requestTags(vu: Vu, base: Tags, method: string, url: string, name: string, res: Response, withExpected: boolean, expected: boolean, extra: Record<string, string> | undefined): Tags {
  const c = vu.lastHttpTags as (Tags & { [cacheKey]?: unknown[] }) | undefined;
  if (c !== undefined && extra === undefined && res.error_code === 0) {
    const k = c[cacheKey]!;
    if (k[0] === base && k[1] === method && k[2] === url && k[3] === name && k[4] === res.status && k[5] === withExpected && k[6] === expected) return c;
  }
  const tags: Tags = {};
  for (const k in base) tags[k] = base[k]!;
  tags.proto = 'HTTP/1.1';
  tags.method = method;
  tags.url = url;
  tags.name = name;
  tags.status = String(res.status);
  if (res.error_code) { tags.error_code = String(res.error_code); tags.error = res.error; }
  if (withExpected) tags.expected_response = expected ? 'true' : 'false';
  if (extra) for (const k in extra) tags[k] = String(extra[k]);
  else if (res.error_code === 0) {
    // The key rides on a symbol, so it never shows up as a tag.
    Object.defineProperty(tags, cacheKey, { value: [base, method, url, name, res.status, withExpected, expected], enumerable: false });
    vu.lastHttpTags = tags;
  }
  return tags;
}
const cacheKey = Symbol('shipcheck.tagsKey');

// ------------------------------------------------------------------ the sync API

/**
 * k6's sync calls. In sync mode (engine/script-module.ts) the script is rewritten to await
 * each of them, so they return the request's promise; in an async-mode script they are refused.
 */
function syncOnly(call: string, asyncForm: string): void {
  if (runtime().syncApi) return;
  throw new UnsupportedCallError(
    `${call} is synchronous, and this script was loaded in async mode (no sync call was found when it was read, so the call is made in a way the engine cannot see). ` +
    `Call it directly (\`http.get(url)\`, so the engine runs the script in sync mode) or write \`${asyncForm}\`.`,
  );
}

export function request(method: string, url: string | { url: string; name?: string }, body?: Body, params?: Params | null): Promise<Response> {
  syncOnly(`http.request("${method}", ...)`, `await http.asyncRequest('${method}', url, body, params)`);
  return asyncRequest(method, url, body, params);
}
type UrlArg = string | { url: string; name?: string };
export function get(url: UrlArg, params?: Params | null): Promise<Response> { syncOnly('http.get()', "await http.asyncRequest('GET', url, null, params)"); return asyncRequest('GET', url, null, params); }
export function head(url: UrlArg, params?: Params | null): Promise<Response> { syncOnly('http.head()', "await http.asyncRequest('HEAD', url, null, params)"); return asyncRequest('HEAD', url, null, params); }
export function post(url: UrlArg, body?: Body, params?: Params | null): Promise<Response> { syncOnly('http.post()', "await http.asyncRequest('POST', url, body, params)"); return asyncRequest('POST', url, body, params); }
export function put(url: UrlArg, body?: Body, params?: Params | null): Promise<Response> { syncOnly('http.put()', "await http.asyncRequest('PUT', url, body, params)"); return asyncRequest('PUT', url, body, params); }
export function patch(url: UrlArg, body?: Body, params?: Params | null): Promise<Response> { syncOnly('http.patch()', "await http.asyncRequest('PATCH', url, body, params)"); return asyncRequest('PATCH', url, body, params); }
export function del(url: UrlArg, body?: Body, params?: Params | null): Promise<Response> { syncOnly('http.del()', "await http.asyncRequest('DELETE', url, body, params)"); return asyncRequest('DELETE', url, body, params); }
export function options(url: UrlArg, body?: Body, params?: Params | null): Promise<Response> { syncOnly('http.options()', "await http.asyncRequest('OPTIONS', url, body, params)"); return asyncRequest('OPTIONS', url, body, params); }

type BatchItem = string | [string, UrlArg, Body?, (Params | null)?] | { method?: string; url: UrlArg; body?: Body; params?: Params | null };

function batchRequest(item: BatchItem): Promise<Response> {
  if (typeof item === 'string') return asyncRequest('GET', item, null, null);
  if (Array.isArray(item)) return asyncRequest(item[0], item[1], item[2], item[3]);
  if (item && typeof item === 'object' && 'url' in item) return asyncRequest(item.method ?? 'GET', item.url, item.body, item.params);
  return Promise.reject(new Error(`http.batch: ${JSON.stringify(item)} is not a request (write a URL, [method, url, body, params] or {method, url, body, params}).`));
}

/** http.batch: the requests in parallel; Responses in the same array or object shape. */
export function batch(requests: BatchItem[] | Record<string, BatchItem>): Promise<Response[] | Record<string, Response>> {
  syncOnly('http.batch()', 'await Promise.all(requests.map((r) => http.asyncRequest(r.method, r.url, r.body, r.params)))');
  if (Array.isArray(requests)) return Promise.all(requests.map(batchRequest));
  const keys = Object.keys(requests);
  return Promise.all(keys.map((k) => batchRequest(requests[k]!))).then((rs) => Object.fromEntries(keys.map((k, i) => [k, rs[i]!])));
}

/** http.url`...${x}`: the URL with a `name` tag of the template, so dynamic URLs group in results. */
export function url(strings: TemplateStringsArray, ...values: unknown[]): { url: string; name: string } {
  let u = '';
  let n = '';
  strings.forEach((s, i) => {
    u += s; n += s;
    if (i < values.length) { u += String(values[i]); n += '${}'; }
  });
  return { url: u, name: n };
}

/** What http.file() makes: a file part of a multipart body. */
export class FileData {
  constructor(readonly data: string | ArrayBuffer | Uint8Array, readonly filename: string | undefined, readonly content_type: string) {}
}

export function file(data: string | ArrayBuffer | Uint8Array, filename?: string, contentType = 'application/octet-stream'): FileData {
  return new FileData(data, filename, contentType);
}

function multipart(fields: Record<string, unknown>, headers: Record<string, string>): Uint8Array {
  const boundary = `----shipcheck${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
  const parts: Buffer[] = [];
  for (const name in fields) {
    const v = fields[name];
    if (v instanceof FileData) {
      const fname = v.filename ?? name;
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${fname}"\r\nContent-Type: ${v.content_type}\r\n\r\n`));
      parts.push(typeof v.data === 'string' ? Buffer.from(v.data) : Buffer.from(v.data instanceof Uint8Array ? v.data : new Uint8Array(v.data)));
      parts.push(Buffer.from('\r\n'));
    } else parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${String(v)}\r\n`));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  headers['Content-Type'] = `multipart/form-data; boundary=${boundary}`;
  return new Uint8Array(Buffer.concat(parts));
}

/** The current VU's cookie jar. */
export function cookieJar(): CookieJar {
  const vu = currentVu();
  if (vu.cookieJar === undefined) vu.cookieJar = new CookieJar();
  return vu.cookieJar as CookieJar;
}

export { CookieJar };

export const OCSP_STATUS_GOOD = 'good';
export const TLS_1_2 = 'tls1.2';
export const TLS_1_3 = 'tls1.3';

const http = {
  asyncRequest, request, get, post, put, patch, del, head, options, batch,
  expectedStatuses, setResponseCallback, url, file, cookieJar, CookieJar, OCSP_STATUS_GOOD, TLS_1_2, TLS_1_3,
};
export default http;
