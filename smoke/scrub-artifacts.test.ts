import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { scrubArtifacts, scrubZip } from './scrub-artifacts.ts';

const KEY = 'sc_secret_key_ABCDEFGHIJKLMNOP';

describe('scrubArtifacts', () => {
  it('masks a secret inside trace zips, nested zips and text files, keeping lengths', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-scrub-'));
    const line = `{"type":"before","params":{"value":"${KEY}"}}\n`;
    const inner = zipSync({ 'resources/abc': strToU8(`authorization: Bearer ${KEY}`) });
    fs.mkdirSync(path.join(dir, 'test-results', 't1'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'test-results', 't1', 'trace.zip'), zipSync({ 'test.trace': strToU8(line), 'nested.zip': inner, 'clean.txt': strToU8('nothing here') }));
    fs.writeFileSync(path.join(dir, 'smoke.log'), `typed ${KEY}\n`);
    fs.writeFileSync(path.join(dir, 'clean.json'), '{}');

    expect(scrubArtifacts(dir, [KEY])).toBe(2);
    const trace = unzipSync(fs.readFileSync(path.join(dir, 'test-results', 't1', 'trace.zip')));
    const text = Buffer.from(trace['test.trace']).toString();
    expect(text).toBe(line.replace(KEY, '*'.repeat(KEY.length)));
    expect(Buffer.from(unzipSync(trace['nested.zip'])['resources/abc']).toString()).toBe(`authorization: Bearer ${'*'.repeat(KEY.length)}`);
    expect(Buffer.from(trace['clean.txt']).toString()).toBe('nothing here');
    expect(fs.readFileSync(path.join(dir, 'smoke.log'), 'utf8')).not.toContain(KEY);
  });

  it('leaves a zip without secrets untouched', () => {
    expect(scrubZip(zipSync({ a: strToU8('hello') }), [Buffer.from(KEY)])).toBeUndefined();
  });
});
