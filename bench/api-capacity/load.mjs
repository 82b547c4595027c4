// One autocannon run (in its own process, pinned by the caller to the load core). Latency
// goes into an HDR histogram per response, so p95 is exact rather than autocannon's p97.5.
// Prints one JSON line: rps, p50/p95/p99 (ms), non-2xx and errors.
import autocannon from 'autocannon';
import hdr from 'hdr-histogram-js';

const [url, duration, connections, auth] = process.argv.slice(2);
const hist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
const instance = autocannon({ url, duration: Number(duration), connections: Number(connections), headers: auth ? { authorization: `Bearer ${auth}` } : {} });
instance.on('response', (_client, _status, _bytes, ms) => hist.recordValue(Math.max(1, Math.round(ms * 1000))));
const r = await instance;
const us = (p) => Math.round(hist.getValueAtPercentile(p)) / 1000;
console.log(JSON.stringify({ rps: r.requests.average, total: r.requests.total, p50: us(50), p95: us(95), p99: us(99), non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, hdr: hdr.encodeIntoCompressedBase64(hist) }));
