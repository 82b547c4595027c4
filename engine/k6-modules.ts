/**
 * The modules a script's imports resolve to in the Node engine: k6's own (`k6`, `k6/http`, ...)
 * and the common jslib modules (`https://jslib.k6.io/k6-summary/...`, `k6-utils`), which k6
 * fetches at init and this engine provides locally. Any other remote import is an error that
 * names the URL.
 */
import * as k6 from './k6/index.ts';
import * as crypto from './k6/crypto.ts';
import * as data from './k6/data.ts';
import * as encoding from './k6/encoding.ts';
import * as execution from './k6/execution.ts';
import * as http from './k6/http.ts';
import * as metrics from './k6/metrics.ts';
import * as timers from './k6/timers.ts';
import * as k6Summary from './jslib/k6-summary.ts';
import * as k6Utils from './jslib/k6-utils.ts';

const MODULES: Record<string, unknown> = {
  k6, 'k6/http': http, 'k6/metrics': metrics, 'k6/execution': execution, 'k6/data': data,
  'k6/encoding': encoding, 'k6/crypto': crypto, 'k6/timers': timers,
};

/** Loads k6/html (cheerio, large) for a script that mentions it: `import 'k6/html'` or `res.html()`, submitForm, clickLink. */
export async function loadHtmlModule(): Promise<void> {
  if (MODULES['k6/html']) return;
  const html = await import('./k6/html.ts');
  MODULES['k6/html'] = html;
  http.useHtmlParser(html.parseHTML);
}

/** jslib modules by path prefix (any version: their API has been stable). */
const JSLIB: Array<[RegExp, unknown]> = [
  [/^https:\/\/jslib\.k6\.io\/k6-summary\/[^/]+\/index\.js$/, k6Summary],
  [/^https:\/\/jslib\.k6\.io\/k6-utils\/[^/]+\/index\.js$/, k6Utils],
];

/** As CommonJS sees them (esbuild's interop reads `default` from an `__esModule` object). */
const interop = new Map<unknown, unknown>();
function asCjs(ns: unknown): unknown {
  let m = interop.get(ns);
  if (m === undefined) interop.set(ns, (m = Object.freeze({ ...(ns as object), __esModule: true })));
  return m;
}

export function k6Module(spec: string): unknown {
  return asCjs(resolveModule(spec));
}

function resolveModule(spec: string): unknown {
  const m = MODULES[spec];
  if (m !== undefined) return m;
  if (spec === 'k6' || spec.startsWith('k6/')) {
    throw new Error(`The Node engine does not implement the k6 module "${spec}". It supports: ${[...new Set([...Object.keys(MODULES), 'k6/html'])].join(', ')}. Run this script with real k6 (--engine k6) or remove the import.`);
  }
  for (const [re, mod] of JSLIB) if (re.test(spec)) return mod;
  throw new Error(`The remote module ${spec} cannot be fetched by the Node engine (it runs offline). It provides locally: https://jslib.k6.io/k6-summary/<version>/index.js and https://jslib.k6.io/k6-utils/<version>/index.js. Download the module beside your script and import it by a relative path instead.`);
}

export const K6_MODULE_SPECIFIERS = Object.keys(MODULES);
