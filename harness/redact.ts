/**
 * Secrets never reach logs or reports: passwords in URLs, bearer tokens and API keys are
 * replaced before anything is printed or written.
 */
/** Names of settings, variables and query parameters whose values are secrets. */
export const SECRET_NAME = /key|token|secret|password|auth/i;

/** A cheap look at a URL: userinfo (`user:pw@`) or a secret-named query parameter (`?api_key=`). */
const MAY_HOLD_URL_SECRET = /:\/\/[^/\s]*@|[?&][^=&]*(?:key|token|secret|password|auth)[^=&]*=/i;

/** Whether `url` may carry a credential; only such URLs need redactUrl (most have none). */
export function mayHoldUrlSecret(url: string): boolean {
  return MAY_HOLD_URL_SECRET.test(url);
}

/** `url` with its password and secret-named query values as `***` (normalized by URL; callers that keep other URLs as written check mayHoldUrlSecret first). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const k of [...u.searchParams.keys()]) {
      if (SECRET_NAME.test(k)) u.searchParams.set(k, '***');
    }
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@\s]+):([^@\s]+)@/g, '//$1:***@');
  }
}

/** Replaces every occurrence of the given secret values, plus URL credentials and bearer tokens. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+):([^@\s]+)@/gi, '$1:***@')
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, '$1***');
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}
