/**
 * The one undici Agent every VU shares (keep-alive, one connection per VU and origin at
 * most), plus what k6 reports that undici does not hand to a request: how long a new
 * connection took to open. Connections open only for a request that needs one, so each
 * finished connect is claimed, in order, by the next request that gets a fresh socket.
 */
import diagnostics from 'node:diagnostics_channel';
import { Agent } from 'undici';

let agent: Agent | undefined;
let agentConnections = 0;

/** Connect durations (ms) not yet claimed, with when they finished (performance.now()). */
const connectQueue: Array<{ doneAt: number; ms: number }> = [];
/**
 * Connect starts per origin, oldest first. undici publishes a fresh connectParams object in
 * each diagnostics event, so a start is matched to its finish by origin and order instead.
 */
const connectStarts = new Map<string, number[]>();
let channelsOn = false;

type ConnectMessage = { connectParams: { protocol?: string; hostname?: string; host?: string; port?: string | number } };
const originOf = (m: unknown): string => {
  const p = (m as ConnectMessage).connectParams;
  return `${p.protocol}//${p.hostname ?? p.host}:${p.port}`;
};

function watchConnects(): void {
  if (channelsOn) return;
  channelsOn = true;
  diagnostics.subscribe('undici:client:beforeConnect', (m) => {
    const key = originOf(m);
    const starts = connectStarts.get(key);
    if (starts) starts.push(performance.now()); else connectStarts.set(key, [performance.now()]);
  });
  const settle = (m: unknown, connected: boolean) => {
    const started = connectStarts.get(originOf(m))?.shift();
    if (started === undefined || !connected) return;
    const now = performance.now();
    if (connectQueue.length < 10_000) connectQueue.push({ doneAt: now, ms: now - started });
  };
  diagnostics.subscribe('undici:client:connected', (m) => settle(m, true));
  diagnostics.subscribe('undici:client:connectError', (m) => settle(m, false));
}

/** The connect time of the connection this request got, when it was opened for it (else 0). */
export function claimConnect(requestStartedAt: number): number {
  while (connectQueue.length > 0) {
    const c = connectQueue[0]!;
    connectQueue.shift();
    if (c.doneAt >= requestStartedAt) return c.ms;
  }
  return 0;
}

/** The shared Agent, sized for `vus` concurrent VUs (re-created if it must grow). */
export function sharedAgent(vus = 0): Agent {
  watchConnects();
  const want = Math.max(vus, 1);
  if (agent && agentConnections >= want) return agent;
  const old = agent;
  agent = new Agent({
    connections: want,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
    // k6's default request timeout (60 s) is applied per request; these are upper bounds.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  agentConnections = want;
  if (old) void old.close().catch(() => undefined);
  return agent;
}

/** Sizes the Agent before VUs start, so no request pays for a resize. */
export function prepareAgent(vus: number): void {
  sharedAgent(vus);
}

export async function closeAgent(): Promise<void> {
  const a = agent;
  agent = undefined;
  agentConnections = 0;
  connectQueue.length = 0;
  if (a) await a.destroy().catch(() => undefined);
}
