/**
 * An OpenAI-compatible chat-completions endpoint on loopback that the ai-outage drill
 * controls: it answers well, fails with HTTP 500, or hangs (never answers, so the caller's
 * timeout fires). It counts the calls it receives in each mode.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProviderMode = 'ok' | 'error' | 'hang';

/** A lesson that passes the app's quality assessment: objectives, an example, questions, structure. */
function lesson(topic: string): string {
  return [
    `# ${topic}`,
    `## Learning objectives`,
    `- You will learn what ${topic} means and where it applies.`,
    `- You will practise explaining ${topic} in your own words.`,
    `## Example`,
    `- For example, a classroom case study shows ${topic} step by step, with each stage described.`,
    `## Key points`,
    `1. ${topic} usually depends on its context; evidence suggests several factors matter.`,
    `2. Compare two cases of ${topic} to see how they differ.`,
    `## Review questions`,
    `Q: What is the main idea of ${topic}?`,
    `Q: Which example of ${topic} did you find clearest, and why?`,
  ].join('\n');
}

export class FakeAiProvider {
  mode: ProviderMode = 'ok';
  readonly calls: Record<ProviderMode, number> = { ok: 0, error: 0, hang: 0 };
  private server: http.Server | undefined;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        const mode = this.mode;
        this.calls[mode]++;
        if (mode === 'hang') return;   // the socket stays open until the caller gives up or we stop
        if (mode === 'error') {
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'drill: provider outage', type: 'server_error' } }));
          return;
        }
        let topic = 'the topic';
        try {
          const prompt = JSON.parse(body).messages.at(-1).content as string;
          topic = prompt.match(/about "([^"]+)"/)?.[1] ?? topic;
        } catch { /* keep the default topic */ }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
          id: 'chatcmpl-drill', object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: 'drill',
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: lesson(topic) } }],
        }));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
  }
}
