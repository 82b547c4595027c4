/**
 * k6/http's cookie jar: each VU has one (`http.cookieJar()`); responses' Set-Cookie headers,
 * redirects included, go into the jar of the request, and the jar's cookies that match a URL
 * (domain, path, secure, expiry, as browsers match them) go out with each later request.
 */
export interface StoredCookie {
  name: string; value: string; domain: string; path: string; hostOnly: boolean;
  expires: number | undefined; secure: boolean; httpOnly: boolean;
}

export interface SetCookieOptions { domain?: string; path?: string; expires?: string; max_age?: number; secure?: boolean; http_only?: boolean }

function defaultPath(u: URL): string {
  const p = u.pathname;
  if (!p.startsWith('/') || p.lastIndexOf('/') === 0) return '/';
  return p.slice(0, p.lastIndexOf('/'));
}

function domainMatches(host: string, c: StoredCookie): boolean {
  return c.hostOnly ? host === c.domain : host === c.domain || host.endsWith(`.${c.domain}`);
}

function pathMatches(reqPath: string, cookiePath: string): boolean {
  if (reqPath === cookiePath) return true;
  if (!reqPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || reqPath[cookiePath.length] === '/';
}

/** One Set-Cookie header value, parsed (RFC 6265 §5.2, the parts k6 uses). */
export function parseSetCookie(header: string, u: URL): StoredCookie | undefined {
  const parts = header.split(';');
  const first = parts.shift()!;
  const eq = first.indexOf('=');
  if (eq <= 0) return undefined;
  const c: StoredCookie = {
    name: first.slice(0, eq).trim(), value: first.slice(eq + 1).trim(), domain: u.hostname, path: defaultPath(u),
    hostOnly: true, expires: undefined, secure: false, httpOnly: false,
  };
  for (const part of parts) {
    const i = part.indexOf('=');
    const key = (i < 0 ? part : part.slice(0, i)).trim().toLowerCase();
    const val = i < 0 ? '' : part.slice(i + 1).trim();
    if (key === 'domain' && val) { c.domain = val.replace(/^\./, '').toLowerCase(); c.hostOnly = false; }
    else if (key === 'path' && val.startsWith('/')) c.path = val;
    else if (key === 'max-age' && /^-?\d+$/.test(val)) c.expires = Date.now() + Number(val) * 1000;
    else if (key === 'expires' && c.expires === undefined) { const t = Date.parse(val); if (!Number.isNaN(t)) c.expires = t; }
    else if (key === 'secure') c.secure = true;
    else if (key === 'httponly') c.httpOnly = true;
  }
  return c;
}

export class CookieJar {
  private cookies: StoredCookie[] = [];

  get empty(): boolean { return this.cookies.length === 0; }

  /** Keeps `c`, replacing a cookie of the same name, domain and path; an expired one deletes it. */
  store(c: StoredCookie): void {
    this.cookies = this.cookies.filter((x) => !(x.name === c.name && x.domain === c.domain && x.path === c.path));
    if (c.expires === undefined || c.expires > Date.now()) this.cookies.push(c);
  }

  matching(url: string): StoredCookie[] {
    let u: URL;
    try { u = new URL(url); } catch { return []; }
    const now = Date.now();
    this.cookies = this.cookies.filter((c) => c.expires === undefined || c.expires > now);
    return this.cookies.filter((c) => domainMatches(u.hostname, c) && pathMatches(u.pathname || '/', c.path) && (!c.secure || u.protocol === 'https:'))
      .sort((a, b) => b.path.length - a.path.length);
  }

  /** k6: `{ name: [value, ...] }` of the cookies that would go with a request to `url`. */
  cookiesForURL(url: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const c of this.matching(url)) (out[c.name] ??= []).push(c.value);
    return out;
  }

  set(url: string, name: string, value: string, opts: SetCookieOptions = {}): void {
    const u = new URL(url);
    const c: StoredCookie = {
      name, value: String(value), domain: opts.domain ? opts.domain.replace(/^\./, '') : u.hostname, path: opts.path ?? defaultPath(u),
      hostOnly: !opts.domain, expires: undefined, secure: Boolean(opts.secure), httpOnly: Boolean(opts.http_only),
    };
    if (opts.max_age !== undefined) c.expires = Date.now() + opts.max_age * 1000;
    else if (opts.expires) { const t = Date.parse(opts.expires); if (!Number.isNaN(t)) c.expires = t; }
    this.store(c);
  }

  /** Removes every cookie that would go with a request to `url`. */
  clear(url: string): void {
    const gone = new Set(this.matching(url));
    this.cookies = this.cookies.filter((c) => !gone.has(c));
  }

  delete(url: string, name: string): void {
    const gone = new Set(this.matching(url).filter((c) => c.name === name));
    this.cookies = this.cookies.filter((c) => !gone.has(c));
  }
}
