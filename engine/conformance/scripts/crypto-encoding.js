// k6/crypto and k6/encoding, checked against the digests every implementation gives.
import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
import { check } from 'k6';

export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };

export default function () {
  check(null, {
    'sha256 hex': () => crypto.sha256('abc', 'hex') === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    'md5 hex': () => crypto.md5('abc', 'hex') === '900150983cd24fb0d6963f7d28e17f72',
    'hmac sha256': () => crypto.hmac('sha256', 'key', 'The quick brown fox jumps over the lazy dog', 'hex') === 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    'b64encode': () => encoding.b64encode('hello') === 'aGVsbG8=',
    'b64decode': () => encoding.b64decode('aGVsbG8=', 'std', 's') === 'hello',
  });
}
