/**
 * Runs the API as a process: reads the configuration from the environment, builds, listens,
 * and closes cleanly on SIGINT/SIGTERM. (`shipcheck serve` also provisions PostgreSQL.)
 */
import { build } from './build.ts';
import { AppConfigError, loadConfig } from './config.ts';

export async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof AppConfigError) {
      console.error(e.message);
      process.exitCode = 104;
      return;
    }
    throw e;
  }
  const app = await build(config);
  await app.listen({ host: config.host, port: config.port });
  const stop = async () => { await app.close(); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
