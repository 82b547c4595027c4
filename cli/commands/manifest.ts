import fs from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { bundleScript, bundleShape, requireShape } from '../../engine/bundle.ts';
import { EXIT, fail } from '../../harness/errors.ts';
import { stateDir } from '../../harness/project-root.ts';
import { chooseTarget, loadProjectConfig } from '../../harness/target/load-config.ts';
import { PROFILES } from '../../harness/target/schema.ts';
import type { Target } from '../../harness/target/types.ts';
import { choiceFlag, intFlag, parseCommand, type CommandSpec } from '../flags.ts';
import type { Command } from '../run-cli.ts';

/** A Kubernetes ConfigMap holds at most 1 MiB of data. */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export interface ManifestInput {
  /** The shape's or script's name, used for the file and resource names. */
  scenario: string;
  /** The target a shape was built for (a label on both resources). */
  targetName?: string;
  /** The bundled script's text. */
  bundle: string;
  /** Its source map, shipped beside it when both fit in the ConfigMap. */
  sourceMap?: string;
  parallelism: number;
  profile: string;
  target?: string;
  /** A Secret with the credentials, exposed to the runners as env vars. */
  apiKeySecret?: string;
  /** The variables (and Secret keys) the credentials go in: the target's auth names, default API_KEY and API_KEYS. */
  tokenEnv?: string;
  poolEnv?: string;
  namespace?: string;
  name?: string;
  /** Extra `k6 run` arguments appended as they are. */
  extraArguments?: string;
}

export interface Manifest { configMap: Record<string, unknown>; testRun: Record<string, unknown>; warnings: string[] }

/**
 * The k6-operator resources that run `scenario` on a cluster: a ConfigMap with the bundle and a
 * TestRun (k6.io/v1alpha1) pointing at it. Each runner gets `-e PARALLELISM=N`, so scenarios
 * divide their count targets among the instances (each k6 instance judges its own share).
 */
export function buildManifest(input: ManifestInput): Manifest {
  const warnings: string[] = [];
  const name = input.name ?? `shipcheck-${input.scenario}`;
  if (!DNS_LABEL.test(name)) {
    throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--name', value: name, hint: 'Kubernetes names are lowercase letters, digits and "-", at most 63 characters, starting and ending with a letter or digit.' });
  }
  const file = `${input.scenario}.js`;
  const size = Buffer.byteLength(input.bundle);
  if (size > CONFIGMAP_LIMIT_BYTES) throw fail('SHIPCHECK_ERR_MANIFEST_TOO_BIG', { file, size });

  const data: Record<string, string> = {};
  const mapSize = input.sourceMap ? Buffer.byteLength(input.sourceMap) : 0;
  if (input.sourceMap && size + mapSize <= CONFIGMAP_LIMIT_BYTES) {
    data[file] = input.bundle;
    data[`${file}.map`] = input.sourceMap;
  } else {
    // Without its map beside it, the sourceMappingURL comment would only make k6 warn.
    data[file] = input.bundle.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    if (input.sourceMap) warnings.push(`The source map does not fit beside the bundle in the ConfigMap (${size + mapSize} bytes > 1 MiB); errors will point at bundle lines.`);
  }

  const metadata = (kind: string) => ({
    name,
    ...(input.namespace ? { namespace: input.namespace } : {}),
    labels: {
      'app.kubernetes.io/name': 'shipcheck', 'app.kubernetes.io/component': kind, 'shipcheck.dev/scenario': input.scenario,
      ...(input.targetName ? { 'shipcheck.dev/target': input.targetName } : {}),
    },
  });

  const args = [`-e PROFILE=${input.profile}`, `-e PARALLELISM=${input.parallelism}`];
  if (input.target) args.push(`-e BASE_URL=${input.target}`);
  args.push(`--tag testid=${name}`);
  if (input.extraArguments) args.push(input.extraArguments);

  const spec: Record<string, unknown> = {
    parallelism: input.parallelism,
    script: { configMap: { name, file } },
    arguments: args.join(' '),
  };
  const tokenEnv = input.tokenEnv ?? 'API_KEY';
  const poolEnv = input.poolEnv ?? (input.tokenEnv ? undefined : 'API_KEYS');
  if (input.apiKeySecret) {
    // Keys come from a Secret as environment variables (k6 puts them in __ENV), never from
    // arguments, which show in pod specs and logs.
    spec.runner = {
      env: [
        { name: tokenEnv, valueFrom: { secretKeyRef: { name: input.apiKeySecret, key: tokenEnv } } },
        ...(poolEnv ? [{ name: poolEnv, valueFrom: { secretKeyRef: { name: input.apiKeySecret, key: poolEnv, optional: true } } }] : []),
      ],
    };
  } else {
    warnings.push(`No --api-key-secret: the runners get no ${tokenEnv}, and setup() aborts on targets that need one.`);
  }

  return {
    configMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata('script'), data },
    testRun: { apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', metadata: metadata('testrun'), spec },
    warnings,
  };
}

/** Both resources as one multi-document YAML file, ConfigMap first (the TestRun needs it). */
export function manifestYaml(m: Manifest): string {
  return `${stringify(m.configMap, { lineWidth: 0 })}---\n${stringify(m.testRun, { lineWidth: 0 })}`;
}

const usage = `Writes the k6-operator resources that run a load shape (built for the config's target, which
it embeds) or a k6 script on Kubernetes, past what one machine can drive: a ConfigMap holding
the bundle and a TestRun (k6.io/v1alpha1) with spec.script.configMap, spec.parallelism and
spec.arguments. Apply with
  kubectl apply -f FILE
Each of the N runners executes its execution segment and judges thresholds on its own share;
the shapes divide count targets by PARALLELISM, which the TestRun passes. Credentials reach
the runners from a Secret (--api-key-secret), under the names the target's auth reads.
A ConfigMap holds at most 1 MiB: for larger bundles, package the script with "k6 archive"
and mount it from a volume.`;

const spec = {
  name: 'manifest',
  summary: 'Write a k6-operator TestRun + ConfigMap for a load shape or a k6 script',
  args: '<shape|file.ts|file.js>',
  description: usage,
  flags: {
    parallelism: { type: 'string', value: 'N', default: '1', description: 'k6 runner pods' },
    out: { type: 'string', value: 'FILE', default: 'standard output', description: 'write here' },
    profile: { type: 'string', value: 'P', default: 'ci', description: 'PROFILE for the script' },
    config: { type: 'string', value: 'FILE', default: 'shipcheck.config.* in the working directory', description: 'the project config (shapes need one)' },
    target: { type: 'string', value: 'NAME|URL', default: "the config's only target, or gate.target", description: 'the target, or a URL that becomes BASE_URL' },
    environment: { type: 'string', value: 'NAME', default: 'local', env: 'SHIPCHECK_ENVIRONMENT', description: "which of the target's base URLs to embed" },
    'api-key-secret': { type: 'string', value: 'NAME', description: "a Secret holding the credentials, keyed by the target's variable names (API_KEY, API_KEYS)" },
    namespace: { type: 'string', value: 'NS', description: 'namespace of both resources' },
    name: { type: 'string', value: 'NAME', default: 'shipcheck-[<target>-]<shape>', description: 'name of both resources' },
    arguments: { type: 'string', value: '"K6 ARGS"', description: 'more k6 run arguments, appended as they are' },
  },
  exitCodes: '0 written · 104 invalid flag or config, unknown shape, or bundle over 1 MiB · 107 the script does not bundle',
  examples: ['shipcheck manifest gate --environment staging --parallelism 4 --api-key-secret api-keys --out testrun.yaml', 'shipcheck manifest ./my-test.js --target https://staging.example.org'],
} satisfies CommandSpec;

const command: Command = {
  spec,
  async run(argv) {
    const { values, positionals } = parseCommand(spec, argv, true);
    if (positionals.length !== 1) {
      throw fail('SHIPCHECK_ERR_BAD_FLAG', { command: 'manifest', detail: `give exactly one shape or script file (got ${positionals.length})` });
    }
    const parallelism = intFlag('parallelism', values.parallelism, 1, 1, 1000);
    const profile = choiceFlag('profile', values.profile, PROFILES, 'ci');
    const url = values.target !== undefined && /^https?:\/\//i.test(values.target) ? values.target : undefined;
    if (url !== undefined && !/^https?:\/\/\S+$/.test(url)) {
      throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--target', value: url, hint: 'Give the base URL of the service, like https://staging.example.org.' });
    }
    if (values.namespace !== undefined && !DNS_LABEL.test(values.namespace)) {
      throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--namespace', value: values.namespace, hint: 'Namespaces are lowercase letters, digits and "-", at most 63 characters.' });
    }

    const built = await bundleFor(positionals[0]!, values);
    const bundle = await fs.readFile(built.bundleFile, 'utf8');
    const sourceMap = await fs.readFile(`${built.bundleFile}.map`, 'utf8').catch(() => undefined);
    const auth = built.target?.auth;
    const manifest = buildManifest({
      scenario: built.scenario, targetName: built.target?.name, bundle, sourceMap, parallelism, profile, target: url,
      apiKeySecret: values['api-key-secret'], namespace: values.namespace,
      name: values.name ?? (built.target ? dnsName(`shipcheck-${built.target.name}-${built.scenario}`) : undefined),
      extraArguments: values.arguments,
      ...(auth && auth.type !== 'none' ? { tokenEnv: auth.tokenEnv, ...(auth.poolEnv ? { poolEnv: auth.poolEnv } : {}) } : {}),
    });
    if (built.target && !url && /^https?:\/\/(127\.|localhost|\[::1\])/.test(built.target.baseUrl)) {
      manifest.warnings.push(`The embedded base URL ${built.target.baseUrl} is the runner pod itself: give --environment (staging, production) or --target URL.`);
    }
    for (const w of manifest.warnings) console.error(`shipcheck manifest: ${w}`);
    const text = manifestYaml(manifest);
    if (values.out) {
      await fs.mkdir(path.dirname(path.resolve(values.out)), { recursive: true });
      await fs.writeFile(values.out, text);
      console.error(`wrote ${values.out}: ConfigMap + TestRun "${(manifest.testRun.metadata as { name: string }).name}", parallelism ${parallelism}`);
    } else {
      process.stdout.write(text);
    }
    return EXIT.ok;
  },
};

/** A Kubernetes name from `s`: lowercase, at most 63 characters, no trailing "-". */
function dnsName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 63).replace(/-+$/, '');
}

/** Bundles the shape (for the config's target) or the .ts/.js file, and says where the bundle is. */
async function bundleFor(arg: string, flags: { config?: string; target?: string; environment?: string }): Promise<{ scenario: string; bundleFile: string; target?: Target }> {
  if (/\.(ts|js|mjs)$/.test(arg)) {
    const file = path.resolve(arg);
    await fs.access(file).catch(() => {
      throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: 'script', value: arg, hint: 'The file does not exist; give a load shape (see "shipcheck load --help") or a script path.' });
    });
    const scenario = path.basename(file).replace(/\.(ts|js|mjs)$/, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'script';
    const bundleFile = path.join(stateDir, 'manifest', `${scenario}.js`);
    await bundleScript(file, bundleFile);
    return { scenario, bundleFile };
  }
  const shape = requireShape(arg);
  const loaded = await loadProjectConfig({ file: flags.config, what: 'build a manifest for' });
  const target = chooseTarget(loaded, { target: flags.target, environment: flags.environment ?? (process.env.SHIPCHECK_ENVIRONMENT || undefined) });
  const bundleFile = path.join(stateDir, 'manifest', target.name, `${shape}.js`);
  await bundleShape(shape, target, bundleFile);
  return { scenario: shape, bundleFile, target };
}

export default command;
