/**
 * A stream of acknowledged writes: one connection inserting a row at a steady pace and
 * recording, for each, when it was sent, when the commit was acknowledged and the id the
 * server gave it. Drills compare this record with what survives a disaster.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';

export interface AckedWrite { id: number; sentAt: number; ackAt: number }

/** Wall-clock milliseconds with sub-millisecond resolution (same clock as the server's on loopback). */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

export class AckedWriter {
  readonly acks: AckedWrite[] = [];
  failures = 0;
  lastError = '';
  private client: pg.Client | undefined;
  private running = false;
  private loop: Promise<void> | undefined;

  /** `insertSql` takes `$1` = sequence number and returns one row with an `id` column. */
  constructor(private readonly url: string, private readonly insertSql: string, private readonly pauseMs = 5) {}

  async start(): Promise<void> {
    this.client = new pg.Client({ connectionString: this.url });
    this.client.on('error', () => {});
    await this.client.connect();
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    let seq = 0;
    while (this.running) {
      seq++;
      const sentAt = preciseNow();
      try {
        const { rows } = await this.client!.query<{ id: string | number }>(this.insertSql, [seq]);
        this.acks.push({ id: Number(rows[0].id), sentAt, ackAt: preciseNow() });
      } catch (e) {
        this.failures++;
        this.lastError = (e as Error).message;
        if (!this.running) break;
        await sleep(50);
      }
      if (this.pauseMs) await sleep(this.pauseMs);
    }
  }

  /** Stops after the write in flight (if any) is answered; returns the acknowledged writes. */
  async stop(): Promise<AckedWrite[]> {
    this.running = false;
    await this.loop;
    await this.client?.end().catch(() => {});
    return this.acks;
  }

  get lastAck(): AckedWrite | undefined { return this.acks[this.acks.length - 1]; }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
