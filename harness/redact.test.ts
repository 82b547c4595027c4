import { describe, expect, it } from 'vitest';
import { mayHoldUrlSecret, redactText, redactUrl } from './redact.ts';

describe('redaction', () => {
  it('hides passwords and key-like query parameters in URLs', () => {
    expect(redactUrl('postgres://u:hunter22@127.0.0.1:5432/db')).toBe('postgres://u:***@127.0.0.1:5432/db');
    expect(redactUrl('http://127.0.0.1/x?api_key=abc123&page=2')).toBe('http://127.0.0.1/x?api_key=***&page=2');
  });
  it('tells the URLs that may hold a credential from those the outputs keep exactly as written', () => {
    for (const url of ['http://127.0.0.1:3000/a b?page=2', 'http://127.0.0.1:3000', 'GET /api/v1/content/:id', 'http://127.0.0.1/x?monkey_business']) {
      expect([url, mayHoldUrlSecret(url)]).toEqual([url, false]);
    }
    for (const url of ['http://user:pw@127.0.0.1/', 'http://127.0.0.1/?access_token=t', 'http://127.0.0.1/?a=1&X-Auth=z']) expect([url, mayHoldUrlSecret(url)]).toEqual([url, true]);
    expect(redactUrl('http://127.0.0.1/?a=1&X-Auth=z')).toBe('http://127.0.0.1/?a=1&X-Auth=***');
  });
  it('hides bearer tokens, URL credentials and listed secrets in free text', () => {
    const out = redactText('Authorization: Bearer abc.def-123 at postgres://a:pw@h/db key=sk_live_9999', ['sk_live_9999']);
    expect(out).toBe('Authorization: Bearer *** at postgres://a:***@h/db key=***');
  });
});
