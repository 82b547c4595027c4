/**
 * The globals k6 gives a script: __VU, __ITER and __ENV (per VU, so getters over the VU of
 * the current async chain) and open() for the init context.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runtime } from './runtime.ts';
import { currentVu } from './vu.ts';

let scriptDir = process.cwd();
const opened = new Map<string, Buffer>();
const texts = new Map<string, string>();

export function installGlobals(scriptFile: string): void {
  scriptDir = path.dirname(path.resolve(scriptFile));
  opened.clear();
  texts.clear();
  const g = globalThis as Record<string, unknown>;
  if (Object.getOwnPropertyDescriptor(g, '__VU')?.get) return;
  Object.defineProperty(g, '__VU', { configurable: true, get: () => currentVu().idInTest });
  Object.defineProperty(g, '__ITER', { configurable: true, get: () => Math.max(0, currentVu().iterationInInstance) });
  Object.defineProperty(g, '__ENV', { configurable: true, get: () => currentVu().env });
  g.open = (file: string, mode?: string) => {
    if (!runtime().initContext) throw new Error('open() works only in the init context (the top level of the script), as in k6.');
    const p = path.isAbsolute(file) ? file : path.join(scriptDir, file);
    // Every VU runs the init context: read a file once (text is immutable, so VUs share it).
    let buf = opened.get(p);
    if (!buf) { buf = fs.readFileSync(p); opened.set(p, buf); }
    return mode === 'b' ? buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) : (texts.get(p) ?? texts.set(p, buf.toString('utf8')).get(p));
  };
}
