/**
 * The health checks behind `/api/v1/health`: database, AI provider, quality pipeline, disk and
 * memory. Each answers `healthy` or `unhealthy` with what it saw; any unhealthy check makes
 * the whole service `degraded` (HTTP 503), so load balancers and the gate see it.
 */
import fs from 'node:fs';
import v8 from 'node:v8';
import type pg from 'pg';
import type { AppConfig } from './config.ts';
import type { ContentGenerator } from './generation/generator.ts';
import { renderContent } from './generation/local-provider.ts';
import { assessQuality } from './generation/quality.ts';

export interface CheckResult { status: 'healthy' | 'unhealthy'; latency_ms: number; message: string; details?: Record<string, unknown> }
export type CheckName = 'database' | 'ai_provider' | 'quality_pipeline' | 'disk' | 'memory';

export async function runHealthChecks(pool: pg.Pool, generator: ContentGenerator, config: AppConfig): Promise<Record<CheckName, CheckResult>> {
  const [database, disk] = await Promise.all([timed(() => checkDatabase(pool, config.dbConnectTimeoutMs)), timed(() => checkDisk(config))]);
  return {
    database,
    ai_provider: await timed(async () => checkProvider(generator)),
    quality_pipeline: await timed(async () => checkQuality(config)),
    disk,
    memory: await timed(async () => checkMemory(config)),
  };
}

type Partial = Omit<CheckResult, 'latency_ms'>;

async function timed(fn: () => Promise<Partial>): Promise<CheckResult> {
  const t = performance.now();
  let r: Partial;
  try { r = await fn(); } catch (e) { r = { status: 'unhealthy', message: (e as Error).message || String(e) }; }
  return { ...r, latency_ms: Math.round((performance.now() - t) * 100) / 100 };
}

async function checkDatabase(pool: pg.Pool, timeoutMs: number): Promise<Partial> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs); });
  try {
    await Promise.race([pool.query('select 1'), timeout]);
  } catch (e) {
    return { status: 'unhealthy', message: `PostgreSQL is unreachable: ${(e as Error).message}`, details: poolStats(pool) };
  } finally {
    clearTimeout(timer);
  }
  return { status: 'healthy', message: 'PostgreSQL answers queries', details: poolStats(pool) };
}

const poolStats = (pool: pg.Pool) => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });

function checkProvider(generator: ContentGenerator): Partial {
  const b = generator.breaker.snapshot();
  const details = { provider: generator.provider.name, circuit_breaker: b.state, consecutive_failures: b.consecutiveFailures, last_error: b.lastError, retry_after_ms: b.retryAfterMs };
  if (b.state === 'open') return { status: 'unhealthy', message: `circuit breaker open after repeated provider failures (${b.lastError ?? 'unknown'})`, details };
  return { status: 'healthy', message: b.state === 'half_open' ? 'circuit breaker half-open: next call is a trial' : `provider "${generator.provider.name}" available`, details };
}

function checkQuality(config: AppConfig): Partial {
  const sample = renderContent({ topic: 'photosynthesis', contentType: 'study_guide', audienceLevel: 'general' });
  const s = assessQuality(sample, 'photosynthesis', 'study_guide', config.quality);
  const details = { thresholds: config.quality, sample_scores: { overall: s.quality_score, educational: s.educational_effectiveness, factual: s.factual_accuracy } };
  if (!s.quality_passed) return { status: 'unhealthy', message: 'a reference sample no longer passes the quality thresholds', details };
  return { status: 'healthy', message: 'quality assessment scores a reference sample above the thresholds', details };
}

async function checkDisk(config: AppConfig): Promise<Partial> {
  const s = await fs.promises.statfs(config.diskPath);
  const free = s.bavail / s.blocks;
  const details = { path: config.diskPath, free_bytes: s.bavail * s.bsize, total_bytes: s.blocks * s.bsize, free_ratio: Math.round(free * 1000) / 1000 };
  if (free < config.diskMinFreeRatio) return { status: 'unhealthy', message: `only ${(free * 100).toFixed(1)} % disk free`, details };
  return { status: 'healthy', message: `${(free * 100).toFixed(1)} % disk free`, details };
}

function checkMemory(config: AppConfig): Partial {
  const h = v8.getHeapStatistics();
  const ratio = h.used_heap_size / h.heap_size_limit;
  const details = { rss_bytes: process.memoryUsage.rss(), heap_used_bytes: h.used_heap_size, heap_limit_bytes: h.heap_size_limit, heap_ratio: Math.round(ratio * 1000) / 1000 };
  if (ratio > config.memoryMaxHeapRatio) return { status: 'unhealthy', message: `heap ${(ratio * 100).toFixed(0)} % of its limit`, details };
  return { status: 'healthy', message: `heap ${(ratio * 100).toFixed(0)} % of its limit`, details };
}
