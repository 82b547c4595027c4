import { describe, expect, it } from 'vitest';
import { redactText, redactUrl } from './redact.ts';

describe('redaction', () => {
  it('hides passwords and key-like query parameters in URLs', () => {
    expect(redactUrl('postgres://u:hunter22@127.0.0.1:5432/db')).toBe('postgres://u:***@127.0.0.1:5432/db');
    expect(redactUrl('http://127.0.0.1/x?api_key=abc123&page=2')).toBe('http://127.0.0.1/x?api_key=***&page=2');
  });
  it('hides bearer tokens, URL credentials and listed secrets in free text', () => {
    const out = redactText('Authorization: Bearer abc.def-123 at postgres://a:pw@h/db key=sk_live_9999', ['sk_live_9999']);
    expect(out).toBe('Authorization: Bearer *** at postgres://a:***@h/db key=***');
  });
});
