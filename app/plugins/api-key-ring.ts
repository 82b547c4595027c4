/**
 * The accepted bearer keys, held as SHA-256 digests and compared with `crypto.timingSafeEqual`
 * against every one of them (fixed-length digests, no early exit), so neither the comparison
 * nor the loop tells a caller how much of a key it guessed.
 *
 * Keys from API_KEY / API_KEYS are fixed; keys from API_KEYS_FILE are re-read while the API
 * runs: a watch on the file's folder (rotation by atomic rename replaces the file, which a
 * watch on the file itself would not see) plus a stat every `pollMs` (watches miss events on
 * some file systems), so a new key works and a removed one is refused within `pollMs`.
 * A file that is missing, unreadable or has no valid key keeps the keys in force (a rotation
 * half done must not lock every client out); rotate by writing a new file and renaming it
 * over the old one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const digest = (key: string) => crypto.createHash('sha256').update(key).digest();
export const isWellFormedKey = (key: string) => key.length >= 16 && !/\s/.test(key);

export interface KeyRingLog { warn(obj: object, msg: string): void; info(obj: object, msg: string): void }

export class ApiKeyRing {
  private digests: Buffer[];
  private fileSignature = '';
  private watcher?: fs.FSWatcher;
  private timer?: NodeJS.Timeout;

  constructor(private readonly fixed: ReadonlySet<string>, private readonly file: string | undefined, initial: ReadonlySet<string>, private readonly log?: KeyRingLog) {
    this.digests = [...initial].map(digest);
    if (file) this.fileSignature = this.signature() ?? '';
  }

  get size(): number { return this.digests.length; }

  has(token: string): boolean {
    const d = digest(token);
    let found = false;
    for (const k of this.digests) found = crypto.timingSafeEqual(k, d) || found;
    return found;
  }

  /** Starts following API_KEYS_FILE (no-op without one). */
  watch(pollMs: number): void {
    if (!this.file) return;
    const name = path.basename(this.file);
    try {
      this.watcher = fs.watch(path.dirname(this.file), { persistent: false }, (_event, changed) => { if (!changed || changed === name) this.reloadIfChanged(); });
      this.watcher.on('error', () => { this.watcher?.close(); this.watcher = undefined; });
    } catch {
      // The periodic stat below still follows the file.
    }
    this.timer = setInterval(() => this.reloadIfChanged(), pollMs);
    this.timer.unref();
  }

  close(): void {
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
  }

  private signature(): string | undefined {
    try {
      const s = fs.statSync(this.file!);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return undefined;
    }
  }

  /** Re-reads the file when its inode, size or mtime changed; returns whether keys were swapped. */
  reloadIfChanged(): boolean {
    const sig = this.signature();
    if (sig === undefined || sig === this.fileSignature) return false;
    let lines: string[];
    try {
      lines = fs.readFileSync(this.file!, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    } catch (e) {
      this.log?.warn({ code: (e as NodeJS.ErrnoException).code }, 'API_KEYS_FILE cannot be read; the keys in force stay');
      return false;
    }
    const valid = lines.filter(isWellFormedKey);
    if (valid.length < lines.length) this.log?.warn({ ignored: lines.length - valid.length }, 'API_KEYS_FILE has lines that are not keys (16+ characters, no spaces); they are ignored');
    if (valid.length === 0 && this.fixed.size === 0) {
      this.log?.warn({}, 'API_KEYS_FILE has no valid key; the keys in force stay');
      return false;
    }
    this.fileSignature = sig;
    this.digests = [...new Set([...this.fixed, ...valid])].map(digest);
    this.log?.info({ keys: this.digests.length }, 'API keys reloaded from API_KEYS_FILE');
    return true;
  }
}
