/**
 * shipcheck init — write a starter shipcheck.config.ts for a service, asking nothing: from its
 * OpenAPI document when --from-openapi names one (health probes, parameter-free GETs as reads,
 * the security scheme as auth), else a minimal one to fill in. `/` becomes a page when
 * --target is given and answers HTML there.
 */
import path from 'node:path';
import { EXIT, fail } from '../../harness/errors.ts';
import { minimalDraft, refuseExisting, renderConfig, writeCheckedConfig, type ConfigDraft } from '../../harness/target/config-writer.ts';
import { draftFromOpenApi, readOpenApiDocument } from '../../harness/target/from-openapi.ts';
import { TARGET_NAME } from '../../harness/target/schema.ts';
import { parseCommand, type CommandSpec } from '../flags.ts';
import type { Command } from '../run-cli.ts';

const DEFAULT_URL = 'http://127.0.0.1:3000';
const PAGE_PROBE_TIMEOUT_MS = 5_000;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const spec = {
  name: 'init',
  summary: 'Write a starter shipcheck.config.ts for a service, from its OpenAPI document if it has one',
  description: `Writes a shipcheck.config.ts describing one target, without asking anything. With
--from-openapi (a .json or .yaml file, or the URL serving it; OpenAPI 3.x or Swagger 2.0) it
fills in the health probes, every GET that needs no parameters as a read endpoint with the
documented status and content type, and the security scheme as auth (bearer, or an API key in a
header; the token is read from --token-env). With --target, GET / is asked once: a page when it
answers HTML. SLOs and sizing are the seeds', written out to edit. The file is checked by the
same loader the gate uses before it is written; nothing is written when anything is wrong.`,
  flags: {
    'from-openapi': { type: 'string', value: 'FILE|URL', description: 'the service\'s OpenAPI 3.x or Swagger 2.0 document (a URL is fetched once, 10 s timeout)' },
    target: { type: 'string', value: 'URL', default: DEFAULT_URL, description: "the service's base URL in the local environment" },
    name: { type: 'string', value: 'NAME', default: "the document's title, else the URL's host, lowercase-dashed", description: 'the target\'s name' },
    'token-env': { type: 'string', value: 'NAME', default: 'API_KEY', description: 'the environment variable the token is read from (the key pool: NAME + "S")' },
    out: { type: 'string', value: 'FILE', default: 'shipcheck.config.ts', description: 'where to write the config (.ts or .mts)' },
    force: { type: 'boolean', description: 'overwrite FILE if it exists' },
  },
  exitCodes: '0 written · 104 invalid flag, unusable document, or FILE exists (without --force) · 2 harness error (the file could not be written)',
  examples: [
    'shipcheck init --from-openapi http://127.0.0.1:3000/docs/json --target http://127.0.0.1:3000',
    'shipcheck init --from-openapi openapi.yaml --token-env SERVICE_TOKEN --out shipcheck.config.ts --force',
    'shipcheck init --target http://127.0.0.1:8080 --name chatbot',
  ],
} satisfies CommandSpec;

/** lowercase-dashed, as target names are. */
const dashed = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');

/** Whether GET / answers HTML: one request. Says why not when it does not. */
async function rootIsHtml(baseUrl: string): Promise<{ html: boolean; note: string }> {
  const url = `${baseUrl}/`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(PAGE_PROBE_TIMEOUT_MS), headers: { accept: 'text/html' } });
    await res.body?.cancel();
    const type = res.headers.get('content-type') ?? '';
    if (res.ok && /^text\/html/i.test(type)) return { html: true, note: '' };
    return { html: false, note: `GET ${url} answered ${res.status}${type ? ` ${type.split(';')[0]}` : ''}, not an HTML page, so there is no page to open. Add pages: { home: { path: '/your-page' } } for one.` };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const why = err.name === 'TimeoutError' ? `no answer within ${PAGE_PROBE_TIMEOUT_MS / 1000} s` : (err.cause?.code ?? err.message);
    return { html: false, note: `GET ${url} did not answer (${why}), so no page was added. Add pages: { home: { path: '/' } } when it serves one.` };
  }
}

const command: Command = {
  spec,
  async run(argv) {
    const { values } = parseCommand(spec, argv);
    const out = values.out ?? 'shipcheck.config.ts';
    if (!/\.m?ts$/.test(out)) throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--out', value: out, hint: 'shipcheck init writes TypeScript: give a file name ending in .ts (shipcheck.config.ts is found without --config).' });
    const tokenEnv = values['token-env'] ?? 'API_KEY';
    if (!ENV_NAME.test(tokenEnv)) throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--token-env', value: tokenEnv, hint: 'Give an environment variable name like API_KEY.' });
    const baseUrl = (values.target ?? DEFAULT_URL).replace(/\/+$/, '');
    let host: string;
    try {
      const u = new URL(baseUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
      host = u.hostname;
    } catch {
      throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--target', value: values.target ?? '', hint: 'Give the service\'s base URL, like http://127.0.0.1:3000.' });
    }
    if (values.name !== undefined && !TARGET_NAME.test(values.name)) {
      throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--name', value: values.name, hint: 'A target name is lowercase letters, digits and "-", starting with a letter or digit, at most 63 characters.' });
    }
    const force = values.force ?? false;
    refuseExisting(out, force);

    const source = values['from-openapi'];
    let draft: ConfigDraft;
    if (source) {
      const doc = await readOpenApiDocument(source);
      const parts = draftFromOpenApi(doc, { tokenEnv });
      draft = {
        name: values.name ?? (dashed(doc.title) || dashed(host) || 'service'),
        ...(doc.description ? { description: doc.description.split('\n')[0] } : { description: doc.title }),
        baseUrl,
        source: { location: source, version: doc.version, title: doc.title },
        ...parts,
        pages: [],
      };
    } else {
      draft = minimalDraft(values.name ?? (dashed(host) || 'service'), baseUrl);
    }
    if (values.target) {
      const root = await rootIsHtml(baseUrl);
      if (root.html) draft.pages = [{ key: 'home', path: '/' }];
      else draft.pageNote = root.note;
    }

    const target = await writeCheckedConfig(renderConfig(draft, path.basename(out)), out, { force, source: source ?? 'the starter template' });
    const auth = target.auth.type === 'none' ? 'no auth' : `${target.auth.type} auth from $${target.auth.tokenEnv}`;
    const probes = [target.health.liveness.path, target.health.readiness?.path].filter(Boolean).join(' and ');
    console.log(`Wrote ${out}: target "${target.name}" at ${target.baseUrl}, ${target.endpoints.length} endpoint${target.endpoints.length === 1 ? '' : 's'}, health ${probes}, ${target.pages.length} page${target.pages.length === 1 ? '' : 's'}, ${auth}.`);
    if (draft.skipped?.length) console.log(`Left out ${draft.skipped.length} GET operation${draft.skipped.length === 1 ? '' : 's'} that need${draft.skipped.length === 1 ? 's' : ''} values the document cannot give (listed in the file).`);
    if (draft.pageNote) console.log(draft.pageNote);
    console.log(`Next: shipcheck gate --config ${out}`);
    return EXIT.ok;
  },
};

export default command;
