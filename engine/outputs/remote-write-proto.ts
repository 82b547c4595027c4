/**
 * Prometheus remote write 1.0 on the wire: a protobuf WriteRequest (the spec's schema, below),
 * block-compressed with snappy. Encoding and decoding both live here, so the output and the
 * tests that read back what it sent share one schema.
 */
import protobuf from 'protobufjs';
import snappy from 'snappyjs';

// From the remote write specification (prometheus/prompb types.proto, remote.proto): only the fields 1.0 senders use.
const SCHEMA = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
`;

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
const WriteRequest = root.lookupType('prometheus.WriteRequest');

export interface RwSeries { labels: Array<{ name: string; value: string }>; samples: Array<{ value: number; timestamp: number }> }

/** The HTTP body of one push: WriteRequest → protobuf → snappy (block format). */
export function encodeWriteRequest(series: RwSeries[]): Uint8Array {
  const bytes = WriteRequest.encode(WriteRequest.create({ timeseries: series })).finish();
  return snappy.compress(bytes);
}

export function decodeWriteRequest(body: Uint8Array): RwSeries[] {
  const msg = WriteRequest.decode(snappy.uncompress(body)) as unknown as { timeseries?: Array<{ labels?: RwSeries['labels']; samples?: Array<{ value: number; timestamp: number | { toNumber(): number } }> }> };
  return (msg.timeseries ?? []).map((t) => ({
    labels: t.labels ?? [],
    samples: (t.samples ?? []).map((s) => ({ value: s.value, timestamp: typeof s.timestamp === 'number' ? s.timestamp : s.timestamp.toNumber() })),
  }));
}

/** Prometheus's staleness marker: a NaN with this exact bit pattern ends a series. */
export const STALE_NAN = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!;
