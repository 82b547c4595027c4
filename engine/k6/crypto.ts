/** k6/crypto: hashes, HMAC and random bytes on node:crypto. */
import nodeCrypto from 'node:crypto';

type Out = 'hex' | 'base64' | 'base64url' | 'binary';
type Input = string | ArrayBuffer;
const ALGOS: Record<string, string> = { md4: 'md4', md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512', sha512_224: 'sha512-224', sha512_256: 'sha512-256', ripemd160: 'ripemd160' };

function data(i: Input): Buffer { return typeof i === 'string' ? Buffer.from(i, 'utf8') : Buffer.from(i); }
function out(b: Buffer, enc: Out): string | ArrayBuffer {
  if (enc === 'binary') return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  return b.toString(enc);
}
function algo(name: string): string {
  const a = ALGOS[name];
  if (!a) throw new Error(`k6/crypto: unknown hash algorithm "${name}" (known: ${Object.keys(ALGOS).join(', ')}).`);
  return a;
}

class Hasher {
  private readonly h: nodeCrypto.Hash | nodeCrypto.Hmac;
  constructor(h: nodeCrypto.Hash | nodeCrypto.Hmac) { this.h = h; }
  update(i: Input): void { this.h.update(data(i)); }
  digest(enc: Out): string | ArrayBuffer { return out(this.h.digest(), enc); }
}

export function createHash(name: string): Hasher { return new Hasher(nodeCrypto.createHash(algo(name))); }
export function createHMAC(name: string, secret: Input): Hasher { return new Hasher(nodeCrypto.createHmac(algo(name), data(secret))); }
export function hmac(name: string, secret: Input, input: Input, enc: Out): string | ArrayBuffer {
  return out(nodeCrypto.createHmac(algo(name), data(secret)).update(data(input)).digest(), enc);
}
const hash = (name: string) => (input: Input, enc: Out) => out(nodeCrypto.createHash(algo(name)).update(data(input)).digest(), enc);
export const md4 = hash('md4');
export const md5 = hash('md5');
export const sha1 = hash('sha1');
export const sha256 = hash('sha256');
export const sha384 = hash('sha384');
export const sha512 = hash('sha512');
export const sha512_224 = hash('sha512_224');
export const sha512_256 = hash('sha512_256');
export const ripemd160 = hash('ripemd160');
export function randomBytes(n: number): ArrayBuffer {
  const b = nodeCrypto.randomBytes(n);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export default { createHash, createHMAC, hmac, md4, md5, sha1, sha256, sha384, sha512, sha512_224, sha512_256, ripemd160, randomBytes };
