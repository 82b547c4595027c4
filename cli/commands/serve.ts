import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { build } from '../../app/build.ts';
import { AppConfigError, loadConfig } from '../../app/config.ts';
import { seedContent } from '../../app/db/seed.ts';
import { EXIT, fail, isShipcheckError } from '../../harness/errors.ts';
import { provisionPostgres, type PostgresHandle } from '../../harness/postgres/provision.ts';
import { intFlag, parseCommand, type CommandSpec } from '../flags.ts';
import type { Command } from '../run-cli.ts';

const spec = {
  name: 'serve',
  summary: 'Start the included API on a real PostgreSQL',
  description: `Starts the included API on a real PostgreSQL: DATABASE_URL if set, else a container when
Docker answers, else an embedded PostgreSQL kept in .shipcheck/pg/serve. Applies the
migrations, optionally seeds N content rows, then prints
  listening on http://127.0.0.1:PORT
and the API key (API_KEY, or a generated one when it is unset). Ctrl-C stops the API,
then PostgreSQL. Settings come from the environment: API_KEY, API_KEYS (comma-separated),
API_KEYS_FILE, LOG_LEVEL, CORS_ORIGINS, RATE_LIMIT_*, QUALITY_MIN_*, LOCAL_PROVIDER_LATENCY_MS,
AI_PROVIDER_URL / AI_PROVIDER_KEY / AI_PROVIDER_TIMEOUT_MS, CIRCUIT_BREAKER_*.`,
  flags: {
    port: { type: 'string', value: 'N', default: '3000', env: 'PORT', description: 'port to listen on (0 picks a free one)' },
    host: { type: 'string', value: 'HOST', default: '127.0.0.1', description: 'address to listen on' },
    seed: { type: 'string', value: 'N', default: '0', description: 'insert N content rows after migrating' },
    'ready-json': { type: 'boolean', description: 'also print one JSON line {"url","apiKey","pid"} once ready (for programs)' },
    'ephemeral-db': { type: 'boolean', description: 'use a throwaway embedded PostgreSQL, deleted on exit' },
  },
  exitCodes: '0 stopped cleanly · 2 could not start (database, port) · 104 invalid flag or setting',
} satisfies CommandSpec;

const command: Command = {
  spec,
  async run(argv) {
    const { values } = parseCommand(spec, argv);
    const port = intFlag('port', values.port ?? process.env.PORT, 3000, 0, 65535);
    const seed = intFlag('seed', values.seed, 0, 0, 1_000_000);
    const host = values.host ?? '127.0.0.1';
    const readyJson = values['ready-json'] ?? false;
    // Programs read stdout for the ready line; progress goes to stderr for them.
    const say = readyJson ? (l: string) => console.error(l) : (l: string) => console.log(l);

    let apiKey = process.env.API_KEY?.trim();
    const generatedKey = !apiKey;
    if (!apiKey) apiKey = `sc_${crypto.randomBytes(24).toString('base64url')}`;

    let db: PostgresHandle | undefined;
    let stopping: Promise<void> | undefined;
    let app: Awaited<ReturnType<typeof build>> | undefined;
    const shutdown = (why: string) => {
      if (stopping) return stopping;
      if (why) say(`${why}: stopping the API, then PostgreSQL...`);
      stopping = (async () => {
        await app?.close().catch((e) => console.error(`shipcheck: closing the API failed: ${(e as Error).message}`));
        await db?.stop().catch((e) => console.error(`shipcheck: stopping PostgreSQL failed: ${(e as Error).message}`));
      })();
      return stopping;
    };
    let signalled: ((s: string) => void) | undefined;
    const stopped = new Promise<string>((r) => { signalled = r; });
    const onSignal = (s: NodeJS.Signals) => signalled?.(s);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    try {
      db = await provisionPostgres({ name: 'serve', ephemeral: values['ephemeral-db'], log: say });
      say(`Database: ${db.describe}`);
      let config;
      try {
        config = loadConfig({
          ...process.env,
          DATABASE_URL: db.url,
          API_KEY: apiKey,
          HOST: host,
          PORT: String(port),
        });
      } catch (e) {
        if (e instanceof AppConfigError) throw fail('SHIPCHECK_ERR_APP_CONFIG', { problems: e.problems.join('; ') });
        throw e;
      }
      try {
        app = await build(config);
      } catch (e) {
        throw fail('SHIPCHECK_ERR_APP_START', { reason: (e as Error).message }, e);
      }
      if (seed > 0) {
        const ids = await seedContent(app.pg, seed, config.quality);
        say(`Seeded ${ids.length} content rows (ids ${ids[0]}..${ids[ids.length - 1]}).`);
      }
      try {
        await app.listen({ host, port });
      } catch (e) {
        throw fail('SHIPCHECK_ERR_SERVE_LISTEN', { host, port, reason: (e as Error).message }, e);
      }
      const address = app.server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `http://${shownHost}:${address.port}`;
      // A checker greps for this exact line.
      console.log(`listening on ${url}`);
      if (!readyJson) {
        console.log(generatedKey ? `API key (generated; set API_KEY to choose one): ${apiKey}` : 'API key: the value of API_KEY');
        console.log(`Try: curl -H "Authorization: Bearer ${generatedKey ? apiKey : '$API_KEY'}" ${url}/api/v1/content`);
        console.log(`Pages: ${url}/ (generator) and ${url}/static/monitor.html (monitor). Ctrl-C stops.`);
      } else {
        console.log(JSON.stringify({ url, apiKey, pid: process.pid }));
      }
      const signal = await stopped;
      await shutdown(`${signal} received`);
      say('Stopped.');
      return EXIT.ok;
    } catch (e) {
      await shutdown('');
      if (isShipcheckError(e)) throw e;
      throw fail('SHIPCHECK_ERR_APP_START', { reason: (e as Error).message }, e);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};

export default command;
