import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppConfigError, loadConfig } from './config.ts';

const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x', API_KEY: 'k'.repeat(20) };
const problems = (env: Record<string, string>) => {
  try { loadConfig(env); } catch (e) { if (e instanceof AppConfigError) return e.problems; throw e; }
  return [];
};

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig(base);
    expect(c.rateLimit.reads).toEqual({ max: 100, windowMs: 60_000, burst: 200 });
    expect(c.rateLimit.generations).toEqual({ max: 100, windowMs: 3_600_000, burst: 100 });
    expect(c.quality).toEqual({ overall: 0.7, educational: 0.75, factual: 0.85 });
    expect(c.bodyLimit).toBe(1_048_576);
    expect(c.provider).toEqual({ kind: 'local', latencyMs: 30, jitterMs: 20 });
    expect(c.corsOrigins).toBe(false);
    expect(c.host).toBe('127.0.0.1');
    expect(Object.isFrozen(c)).toBe(true);
    expect(c.limits).toEqual({ requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 72_000, maxHeaderBytes: 16_384, maxUrlBytes: 8_192 });
    expect(c.apiKeysFilePollMs).toBe(1_000);
  });

  it('keeps the keys of API_KEY / API_KEYS apart from the file\'s (they stay through rotations), and checks the timeouts agree', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-cfg-'));
    const file = path.join(dir, 'keys');
    fs.writeFileSync(file, `${'f'.repeat(16)}\n`);
    try {
      const c = loadConfig({ ...base, API_KEYS: 'a'.repeat(16), API_KEYS_FILE: file });
      expect([...c.fixedApiKeys].sort()).toEqual(['a'.repeat(16), 'k'.repeat(20)]);
      expect(c.apiKeysFile).toBe(file);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(problems({ ...base, REQUEST_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '2000' })).toEqual(['HEADERS_TIMEOUT_MS=2000 must not exceed REQUEST_TIMEOUT_MS=1000 (the headers are part of the request)']);
  });

  it('reads keys from API_KEY, API_KEYS and API_KEYS_FILE, and the provider and thresholds from env', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-cfg-'));
    const file = path.join(dir, 'keys');
    fs.writeFileSync(file, `${'f'.repeat(16)}\n${'g'.repeat(16)}\n\n`);
    try {
      const c = loadConfig({
        ...base, API_KEYS: `${'a'.repeat(16)}, ${'b'.repeat(16)}`, API_KEYS_FILE: file, QUALITY_MIN_FACTUAL: '0.9',
        AI_PROVIDER_URL: 'http://127.0.0.1:9/v1', AI_PROVIDER_KEY: 'sk', AI_PROVIDER_TIMEOUT_MS: '1500', CORS_ORIGINS: 'https://a.example, https://b.example',
      });
      expect([...c.apiKeys].sort()).toEqual(['a', 'b', 'f', 'g', 'k'].map((ch) => ch.repeat(ch === 'k' ? 20 : 16)));
      expect(c.quality.factual).toBe(0.9);
      expect(c.provider).toMatchObject({ kind: 'openai', url: 'http://127.0.0.1:9/v1', timeoutMs: 1500, attempts: 3 });
      expect(c.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports every bad variable at once, by name', () => {
    const p = problems({ API_KEY: 'short', RATE_LIMIT_READS_PER_MIN: 'many', QUALITY_MIN_OVERALL: '7', LOG_LEVEL: 'loud', AI_PROVIDER_URL: 'ftp://x', API_KEYS_FILE: '/nonexistent/keys' });
    expect(p.join('\n')).toMatch(/API_KEY\/API_KEYS: every key must be at least 16 characters/);
    expect(p.join('\n')).toMatch(/DATABASE_URL is not set/);
    expect(p.join('\n')).toMatch(/RATE_LIMIT_READS_PER_MIN="many" must be a whole number/);
    expect(p.join('\n')).toMatch(/QUALITY_MIN_OVERALL="7" must be a number from 0 to 1/);
    expect(p.join('\n')).toMatch(/LOG_LEVEL="loud"/);
    expect(p.join('\n')).toMatch(/AI_PROVIDER_URL="ftp:\/\/x" must be an http\(s\) URL/);
    expect(p.join('\n')).toMatch(/AI_PROVIDER_URL is set but AI_PROVIDER_KEY is not/);
    expect(p.join('\n')).toMatch(/API_KEYS_FILE=\/nonexistent\/keys cannot be read \(ENOENT\)/);
    // The key itself is never echoed.
    expect(p.join('\n')).not.toContain('"short"');
  });
});
