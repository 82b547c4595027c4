/**
 * Playwright traces record what the tests did — the API key typed into a page, the
 * Authorization header of every request — and the HTML report embeds copies of them. Secrets
 * never stay in a result folder: after a run, every trace zip (and the report's embedded data)
 * is rewritten with each secret masked by asterisks of the same length, so offsets inside the
 * trace stay valid and the trace viewer still opens it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync, zipSync, type Zippable } from 'fflate';

function mask(buf: Uint8Array, secrets: Buffer[]): boolean {
  let changed = false;
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  for (const s of secrets) {
    for (let i = b.indexOf(s); i >= 0; i = b.indexOf(s, i + s.length)) {
      b.fill(0x2a, i, i + s.length);
      changed = true;
    }
  }
  return changed;
}

/** Masks the secrets inside one zip; returns the new zip, or undefined when none occurred. */
export function scrubZip(zip: Uint8Array, secrets: Buffer[]): Uint8Array | undefined {
  const entries: Zippable = {};
  let changed = false;
  for (const [name, data] of Object.entries(unzipSync(zip))) {
    const inner = name.endsWith('.zip') ? scrubZip(data, secrets) : undefined;
    if (inner) changed = true;
    else if (mask(data, secrets)) changed = true;
    entries[name] = inner ?? data;
  }
  return changed ? zipSync(entries, { level: 6 }) : undefined;
}

/** The HTML report keeps its data as a base64 zip inside index.html. */
function scrubReportHtml(file: string, secrets: Buffer[]): boolean {
  const html = fs.readFileSync(file, 'utf8');
  let changed = false;
  const out = html.replace(/(data:application\/zip;base64,)([A-Za-z0-9+/=]+)/g, (whole, prefix: string, b64: string) => {
    const scrubbed = scrubZip(Buffer.from(b64, 'base64'), secrets);
    if (!scrubbed) return whole;
    changed = true;
    return prefix + Buffer.from(scrubbed).toString('base64');
  });
  if (changed) fs.writeFileSync(file, out);
  return changed;
}

/** Scrubs every trace and report under `dir`; returns how many files were rewritten. */
export function scrubArtifacts(dir: string, secretValues: readonly string[]): number {
  const secrets = [...new Set(secretValues.filter((s) => s && s.length >= 4))].map((s) => Buffer.from(s));
  if (!secrets.length || !fs.existsSync(dir)) return 0;
  let rewritten = 0;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (entry.name.endsWith('.zip')) {
      const scrubbed = scrubZip(fs.readFileSync(file), secrets);
      if (scrubbed) { fs.writeFileSync(file, scrubbed); rewritten++; }
    } else if (entry.name === 'index.html' && path.basename(entry.parentPath) === 'playwright-report') {
      if (scrubReportHtml(file, secrets)) rewritten++;
    } else if (/\.(json|xml|md|txt|log|html)$/.test(entry.name)) {
      const buf = fs.readFileSync(file);
      if (mask(buf, secrets)) { fs.writeFileSync(file, buf); rewritten++; }
    }
  }
  return rewritten;
}
