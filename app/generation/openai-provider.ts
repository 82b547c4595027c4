/**
 * An OpenAI-compatible chat-completions provider over undici, used only when AI_PROVIDER_URL
 * and AI_PROVIDER_KEY are set. AI_PROVIDER_URL is the API base (".../v1"); "/chat/completions"
 * is appended unless the URL already ends with it. Each attempt is bounded by
 * AI_PROVIDER_TIMEOUT_MS; timeouts, connection errors, 429 and 5xx are retryable.
 */
import { Agent, request } from 'undici';
import { TITLES } from './local-provider.ts';
import { ProviderError, type ContentProvider, type GenerationRequest } from './provider.ts';

export class OpenAiProvider implements ContentProvider {
  readonly name = 'openai';
  private readonly endpoint: string;
  private readonly agent: Agent;

  constructor(url: string, private readonly apiKey: string, private readonly model: string, private readonly timeoutMs: number) {
    const base = url.replace(/\/+$/, '');
    this.endpoint = base.endsWith('/chat/completions') ? base : `${base}/chat/completions`;
    this.agent = new Agent({ connections: 64, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connectTimeout: Math.min(timeoutMs, 10_000) });
  }

  async generate(req: GenerationRequest): Promise<string> {
    const prompt = `Write a ${TITLES[req.contentType].toLowerCase()} about "${req.topic}" for a ${req.audienceLevel} audience. `
      + 'Start with learning objectives, include at least one example and some review questions, use short sections with headings, and avoid unsupported absolute claims.';
    let res;
    try {
      res = await request(this.endpoint, {
        method: 'POST',
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.apiKey}` },
        body: JSON.stringify({ model: this.model, messages: [{ role: 'system', content: 'You write accurate educational material.' }, { role: 'user', content: prompt }] }),
      });
    } catch (e) {
      const err = e as Error & { code?: string };
      const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError' || /timeout/i.test(err.code ?? '');
      throw new ProviderError(timedOut ? `the AI provider did not answer within ${this.timeoutMs} ms` : `cannot reach the AI provider (${err.code ?? err.message})`, true, e);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (e) {
      throw new ProviderError(`the AI provider's response broke off (${(e as Error).message})`, true, e);
    }
    if (res.statusCode >= 400) {
      const retryable = res.statusCode === 429 || res.statusCode >= 500;
      throw new ProviderError(`the AI provider answered HTTP ${res.statusCode}`, retryable);
    }
    try {
      const content = JSON.parse(text)?.choices?.[0]?.message?.content;
      if (typeof content !== 'string' || !content.trim()) throw new Error('no choices[0].message.content');
      return content;
    } catch (e) {
      throw new ProviderError(`the AI provider's response is not a chat completion (${(e as Error).message})`, true, e);
    }
  }

  async close(): Promise<void> { await this.agent.close(); }
}
