import fs from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { bundlePath, bundleScenario, scenarioSource } from '../../engine/bundle.ts';
import { EXIT, fail } from '../../harness/errors.ts';
import { stateDir } from '../../harness/project-root.ts';
import { intFlag, parseCommand, type CommandSpec } from '../flags.ts';
import type { Command } from '../run-cli.ts';

/** A Kubernetes ConfigMap holds at most 1 MiB of data. */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export interface ManifestInput {
  /** The scenario's name, used for resource names. */
  scenario: string;
  /** The bundled script's text. */
  bundle: string;
  /** Its source map, shipped beside it when both fit in the ConfigMap. */
  sourceMap?: string;
  parallelism: number;
  profile: string;
  target?: string;
  /** A Secret with keys API_KEY and (optionally) API_KEYS, exposed to the runners as env vars. */
  apiKeySecret?: string;
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
    labels: { 'app.kubernetes.io/name': 'shipcheck', 'app.kubernetes.io/component': kind, 'shipcheck.dev/scenario': input.scenario },
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
  if (input.apiKeySecret) {
    // Keys come from a Secret as environment variables (k6 puts them in __ENV), never from
    // arguments, which show in pod specs and logs.
    spec.runner = {
      env: [
        { name: 'API_KEY', valueFrom: { secretKeyRef: { name: input.apiKeySecret, key: 'API_KEY' } } },
        { name: 'API_KEYS', valueFrom: { secretKeyRef: { name: input.apiKeySecret, key: 'API_KEYS', optional: true } } },
      ],
    };
  } else {
    warnings.push('No --api-key-secret: the runners get no API_KEY, and setup() aborts on targets that need one.');
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

const usage = `shipcheck manifest <scenario|file.ts|file.js> [--parallelism N] [--out FILE]
                   [--profile ci|full|soak|test] [--target URL] [--api-key-secret NAME]
                   [--namespace NS] [--name NAME] [--arguments "K6 ARGS"]

Writes the k6-operator resources that run a scenario on Kubernetes, past what one machine
can drive: a ConfigMap holding the bundle and a TestRun (k6.io/v1alpha1) with
spec.script.configMap, spec.parallelism and spec.arguments. Apply with
  kubectl apply -f FILE
Each of the N runners executes its execution segment and judges thresholds on its own
share; the scenarios divide count targets by PARALLELISM, which the TestRun passes.

  --parallelism N       k6 runner pods (default 1)
  --out FILE            write here (default: standard output)
  --profile P           PROFILE for the scenario (default ci)
  --target URL          BASE_URL of the system under test
  --api-key-secret S    a Secret with keys API_KEY (and API_KEYS) for the runners' env
  --namespace NS        namespace of both resources
  --name NAME           name of both resources (default shipcheck-<scenario>)
  --arguments "..."     more k6 run arguments, appended as they are

A ConfigMap holds at most 1 MiB: for larger bundles, package the script with "k6 archive"
and mount it from a volume.`;

const spec = {
  name: 'manifest',
  summary: 'Write a k6-operator TestRun + ConfigMap for a scenario',
  args: '<scenario|file.ts|file.js>',
  description: usage,
  flags: {
    parallelism: { type: 'string', value: 'N', default: '1', description: 'k6 runner pods' },
    out: { type: 'string', value: 'FILE', default: 'standard output', description: 'write here' },
    profile: { type: 'string', value: 'P', default: 'ci', description: 'PROFILE for the scenario' },
    target: { type: 'string', value: 'URL', description: 'BASE_URL of the system under test' },
    'api-key-secret': { type: 'string', value: 'NAME', description: 'a Secret with keys API_KEY (and API_KEYS) for the runners' },
    namespace: { type: 'string', value: 'NS', description: 'namespace of both resources' },
    name: { type: 'string', value: 'NAME', default: 'shipcheck-<scenario>', description: 'name of both resources' },
    arguments: { type: 'string', value: '"K6 ARGS"', description: 'more k6 run arguments, appended as they are' },
  },
  exitCodes: '0 written · 104 invalid flag, unknown scenario or bundle over 1 MiB · 107 the script does not bundle',
} satisfies CommandSpec;

const command: Command = {
  spec,
  async run(argv) {
    const { values, positionals } = parseCommand(spec, argv, true);
    if (positionals.length !== 1) {
      throw fail('SHIPCHECK_ERR_BAD_FLAG', { command: 'manifest', detail: `give exactly one scenario name or script file (got ${positionals.length})` });
    }
    const parallelism = intFlag('parallelism', values.parallelism, 1, 1, 1000);
    const profile = values.profile ?? 'ci';
    if (!['test', 'ci', 'full', 'soak'].includes(profile)) {
      throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--profile', value: profile, hint: 'Use one of test, ci, full, soak.' });
    }
    if (values.target !== undefined && !/^https?:\/\/\S+$/.test(values.target)) {
      throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--target', value: values.target, hint: 'Give the base URL of the API, like https://staging.example.org.' });
    }
    if (values.namespace !== undefined && !DNS_LABEL.test(values.namespace)) {
      throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: '--namespace', value: values.namespace, hint: 'Namespaces are lowercase letters, digits and "-", at most 63 characters.' });
    }

    const { scenario, bundleFile } = await bundleFor(positionals[0]!);
    const bundle = await fs.readFile(bundleFile, 'utf8');
    const sourceMap = await fs.readFile(`${bundleFile}.map`, 'utf8').catch(() => undefined);
    const manifest = buildManifest({
      scenario, bundle, sourceMap, parallelism, profile, target: values.target,
      apiKeySecret: values['api-key-secret'], namespace: values.namespace, name: values.name, extraArguments: values.arguments,
    });
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

/** Bundles the scenario (by name, or a .ts/.js file) and says where the bundle is. */
async function bundleFor(arg: string): Promise<{ scenario: string; bundleFile: string }> {
  if (/\.(ts|js|mjs)$/.test(arg)) {
    const file = path.resolve(arg);
    await fs.access(file).catch(() => {
      throw fail('SHIPCHECK_ERR_BAD_OPTION', { option: 'script', value: arg, hint: 'The file does not exist; give a scenario name (see "shipcheck build") or a script path.' });
    });
    const scenario = path.basename(file).replace(/\.(ts|js|mjs)$/, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'script';
    const bundleFile = path.join(stateDir, 'manifest', `${scenario}.js`);
    await bundleScenario(file, bundleFile);
    return { scenario, bundleFile };
  }
  const source = await scenarioSource(arg);
  const bundleFile = bundlePath(arg);
  await bundleScenario(source, bundleFile);
  return { scenario: arg, bundleFile };
}

export default command;
