// Runs runLoad() in a process of its own, for the tests: vitest's module runner does not apply
// the Node loader hooks the engine resolves `k6/*` imports with, so the engine runs here as it
// does under the CLI. Reads { live, options, resultFile } on stdin; Ctrl-C (SIGINT) aborts the
// run's signal, as `shipcheck load` does.
import fs from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { runLoad } = await import('../run-load.ts');
const { live, options, resultFile } = JSON.parse(fs.readFileSync(0, 'utf8'));
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
try {
  const result = await runLoad({ ...live, stop: async () => {} }, { ...options, signal: stop.signal });
  fs.writeFileSync(resultFile, JSON.stringify({ result }));
} catch (e) {
  fs.writeFileSync(resultFile, JSON.stringify({ error: { message: String(e?.message ?? e), code: e?.code, exitCode: e?.exitCode } }));
}
