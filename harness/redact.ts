/**
 * Secrets never reach logs or reports: passwords in URLs, bearer tokens and API keys are
 * replaced before anything is printed or written.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const k of [...u.searchParams.keys()]) {
      if (/key|token|secret|password|auth/i.test(k)) u.searchParams.set(k, '***');
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
