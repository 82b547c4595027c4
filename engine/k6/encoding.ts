/** k6/encoding: base64 in k6's encodings ("std", "rawstd", "url", "rawurl"). */
type Enc = 'std' | 'rawstd' | 'url' | 'rawurl';

export function b64encode(input: string | ArrayBuffer, encoding: Enc = 'std'): string {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input);
  let s = buf.toString(encoding === 'url' || encoding === 'rawurl' ? 'base64url' : 'base64');
  if (encoding === 'url') while (s.length % 4 !== 0) s += '=';
  if (encoding === 'rawstd') s = s.replace(/=+$/, '');
  return s;
}

export function b64decode(input: string, encoding: Enc = 'std', format?: 's'): string | ArrayBuffer {
  const buf = Buffer.from(input, encoding === 'url' || encoding === 'rawurl' ? 'base64url' : 'base64');
  if (format === 's') return buf.toString('utf8');
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

export default { b64encode, b64decode };
