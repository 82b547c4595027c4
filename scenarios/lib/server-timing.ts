/**
 * The `Server-Timing` response header (W3C Server Timing): a service reporting how long its
 * own parts took, `retrieval;dur=123.4, db;desc="primary";dur=53`. Pure, so vitest tests it.
 */

/** Splits on `sep` outside double quotes. */
function splitOutsideQuotes(s: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"' && s[i - 1] !== '\\') quoted = !quoted;
    if (c === sep && !quoted) { parts.push(current); current = ''; } else current += c;
  }
  parts.push(current);
  return parts;
}

/** The `dur` (ms) of the first entry named `entry` (case-insensitive), or undefined when the header has none. */
export function serverTimingDuration(header: string | undefined, entry: string): number | undefined {
  if (!header) return undefined;
  const wanted = entry.toLowerCase();
  for (const metric of splitOutsideQuotes(header, ',')) {
    const [name, ...params] = splitOutsideQuotes(metric, ';').map((p) => p.trim());
    if (name?.toLowerCase() !== wanted) continue;
    for (const p of params) {
      const eq = p.indexOf('=');
      if (eq < 0 || p.slice(0, eq).trim().toLowerCase() !== 'dur') continue;
      const n = Number(p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
      if (Number.isFinite(n)) return n;
    }
    return undefined;
  }
  return undefined;
}
