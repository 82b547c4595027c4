/**
 * Turns a generation request into stored-ready content: the provider (behind retry and the
 * circuit breaker), then the quality assessment. Counts outcomes for the educational metrics.
 */
import type { AppConfig } from '../config.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { LocalProvider } from './local-provider.ts';
import { OpenAiProvider } from './openai-provider.ts';
import type { ContentProvider, GenerationRequest } from './provider.ts';
import { assessQuality, type QualityScores } from './quality.ts';
import { withRetry } from './retry.ts';

export interface Generated extends QualityScores { content: string; provider: string; generation_duration_ms: number }

export interface GenerationStats { attempts: number; succeeded: number; failed: number; rejectedByBreaker: number }

export class ContentGenerator {
  readonly provider: ContentProvider;
  readonly breaker: CircuitBreaker;
  readonly stats: GenerationStats = { attempts: 0, succeeded: 0, failed: 0, rejectedByBreaker: 0 };
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(private readonly config: AppConfig) {
    const p = config.provider;
    if (p.kind === 'openai') {
      this.provider = new OpenAiProvider(p.url, p.apiKey, p.model, p.timeoutMs);
      this.attempts = p.attempts;
      this.backoffMs = p.backoffBaseMs;
    } else {
      this.provider = new LocalProvider(p.latencyMs, p.jitterMs);
      this.attempts = 3;
      this.backoffMs = 100;
    }
    this.breaker = new CircuitBreaker(config.breaker.failureThreshold, config.breaker.resetMs);
  }

  async generate(req: GenerationRequest): Promise<Generated> {
    this.stats.attempts++;
    const started = performance.now();
    let content: string;
    try {
      content = await this.breaker.run(() => withRetry(() => this.provider.generate(req), this.attempts, this.backoffMs));
    } catch (e) {
      if ((e as Error).name === 'CircuitOpenError') this.stats.rejectedByBreaker++;
      else this.stats.failed++;
      throw e;
    }
    const generation_duration_ms = Math.round(performance.now() - started);
    this.stats.succeeded++;
    return { content, provider: this.provider.name, generation_duration_ms, ...assessQuality(content, req.topic, req.contentType, this.config.quality) };
  }

  async close(): Promise<void> {
    const p = this.provider as { close?: () => Promise<void> };
    if (p.close) await p.close();
  }
}
