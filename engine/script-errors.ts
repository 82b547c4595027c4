/**
 * Errors thrown by the script: where they came from in the script's own source (source maps
 * are on, so stacks already point at the .ts lines), logged the way k6 logs them and
 * throttled so a failing iteration cannot flood the console.
 */
import type { SourceMap } from 'node:module';
import path from 'node:path';
import type { Vu } from './vu.ts';

let scriptFile = '';
/** Remembers the bundle path so stack frames of the script can be picked out. */
export function setScriptFile(file: string): void { scriptFile = file; }

const engineDir = path.dirname(new URL(import.meta.url).pathname);

/** The VU program (engine/script-module.ts) runs from one bundle: its frames map back through that bundle's source map. */
let program: { file: string; map: SourceMap; dir: string } | undefined;
export function setProgramMap(file: string, map: SourceMap, dir: string): void { program = { file, map, dir }; }

function mapFrame(file: string, line: number, col: number): { file: string; line: number; col: number } {
  if (!program || file !== program.file) return { file, line, col };
  // The factory's first line is its header: the bundle's line n is the program's line n + 1.
  const e = program.map.findEntry(line - 2, col - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
  if (e?.originalSource === undefined || e.originalLine === undefined) return { file, line, col };
  const src = e.originalSource.startsWith('file://') ? new URL(e.originalSource).pathname : path.resolve(program.dir, e.originalSource);
  return { file: src, line: e.originalLine + 1, col: (e.originalColumn ?? 0) + 1 };
}

/** The first stack frame in the user's script (not the engine, node or node_modules), as "file:line:col". */
export function scriptLocation(e: unknown): string | undefined {
  const stack = (e as Error)?.stack;
  if (typeof stack !== 'string') return undefined;
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    let file = m[1]!;
    if (file.startsWith('file://')) file = new URL(file).pathname;
    if (file.startsWith('node:') || file.includes('/node_modules/') || file.startsWith(engineDir)) continue;
    const at = mapFrame(file, Number(m[2]), Number(m[3]));
    const rel = path.relative(process.cwd(), at.file);
    return `${rel && !rel.startsWith('..') ? rel : at.file}:${at.line}:${at.col}`;
  }
  return scriptFile ? path.relative(process.cwd(), scriptFile) : undefined;
}

const seen = new Map<string, number>();
const MAX_SAME = 10;

/** k6 logs an iteration's uncaught error and goes on with the next iteration. */
export function reportIterationError(e: unknown, scenario: string, vu: Vu): void {
  const msg = e instanceof Error ? e.message : String(e);
  const n = (seen.get(msg) ?? 0) + 1;
  seen.set(msg, n);
  if (n > MAX_SAME) return;
  const where = scriptLocation(e);
  const suffix = n === MAX_SAME ? ' (further identical errors are not shown)' : '';
  process.stderr.write(`ERRO Uncaught (in promise) ${msg}${where ? `\n\tat ${where}` : ''}  executor=${vu.scenario?.executor ?? ''} scenario=${scenario} source=stacktrace${suffix}\n`);
}

export function resetErrorLog(): void { seen.clear(); }
