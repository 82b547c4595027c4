// Worker-thread entry: the same TypeScript and k6-module hooks as the main thread, then the
// engine's worker side. Plain JS so it can register tsx before any .ts loads.
import { register } from 'tsx/esm/api';
register();
const { runWorker } = await import('./worker-main.ts');
await runWorker();
