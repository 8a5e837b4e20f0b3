/**
 * Steady open-loop SIPSVC load for the fault-injection specs, on the load generator's own
 * connections (apps/sipsvc-loadgen: one exactly-once tracker per connection). Counts answers
 * by result code and the slowest answer; `resetOne()` drops a connection with its executes in
 * flight (a client resetting mid-flight) and opens a replacement.
 */
import { performance } from 'node:perf_hooks';
import type { AnswerSink } from '../../apps/sipsvc-loadgen/src/load-connection';
import { LoadgenConnection } from '../../apps/sipsvc-loadgen/src/loadgen-connection';
import { TEST_CLIENT } from './sipsvc-test-client';

export interface LoadTally {
  sent: number;
  answered: number;
  /** executes in flight on a connection the client itself reset (no answer expected). */
  abandoned: number;
  duplicates: number;
  unknown: number;
  /** executes not answered on a connection the gateway closed. */
  lostByGateway: number;
  byCode: Record<string, number>;
  maxLatencyMs: number;
}

const TICK_MS = 10;

export class SteadyLoad implements AnswerSink {
  private conns: LoadgenConnection[] = [];
  private readonly retired: LoadgenConnection[] = [];
  private readonly tally: LoadTally = {
    sent: 0,
    answered: 0,
    abandoned: 0,
    duplicates: 0,
    unknown: 0,
    lostByGateway: 0,
    byCode: {},
    maxLatencyMs: 0,
  };
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private due = 0;
  private rr = 0;
  readonly gatewayClosed: string[] = [];

  private constructor(
    private readonly port: number,
    private readonly rate: number,
  ) {}

  static async start(port: number, connections: number, rate: number): Promise<SteadyLoad> {
    const load = new SteadyLoad(port, rate);
    load.conns = await Promise.all(Array.from({ length: connections }, () => load.open()));
    load.startedAt = performance.now();
    load.timer = setInterval(() => load.tick(), TICK_MS);
    return load;
  }

  private open(): Promise<LoadgenConnection> {
    return LoadgenConnection.open(
      {
        host: '127.0.0.1',
        port: this.port,
        framing: 'json-stream',
        ip: TEST_CLIENT.ipAddr,
        mac: TEST_CLIENT.macAddr,
        key: TEST_CLIENT.authKey,
        api: 'mcidGetProfile',
        params: ['01012345678'],
      },
      this,
    );
  }

  private tick(): void {
    const target = Math.floor(((performance.now() - this.startedAt) * this.rate) / 1000);
    const live = this.conns.filter((c) => !c.closed);
    while (this.due < target && live.length > 0) {
      live[this.rr++ % live.length].sendExecute();
      this.due++;
    }
    this.due = target;
  }

  answer(_conn: LoadgenConnection, result: number, sendTime: number, now: number): void {
    if (sendTime < 0) return; // duplicate or unknown: counted by the tracker
    this.tally.byCode[result] = (this.tally.byCode[result] ?? 0) + 1;
    this.tally.maxLatencyMs = Math.max(this.tally.maxLatencyMs, now - sendTime);
  }

  closed(conn: LoadgenConnection, why: string): void {
    this.gatewayClosed.push(why);
    // the gateway closed a well-behaved client: a failure the spec reports; keep the load up
    this.conns = this.conns.filter((c) => c !== conn);
    this.retired.push(conn);
    this.tally.lostByGateway += conn.tracker.outstanding;
  }

  /** a client resets its connection with executes in flight, and reconnects. */
  async resetOne(): Promise<void> {
    const victim = this.conns.shift();
    if (!victim) return;
    this.tally.abandoned += victim.tracker.outstanding;
    victim.close();
    this.retired.push(victim);
    this.conns.push(await this.open());
  }

  stopSending(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  outstanding(): number {
    let n = 0;
    for (const c of this.conns) n += c.tracker.outstanding;
    return n;
  }

  close(): void {
    this.stopSending();
    for (const c of this.conns) c.close();
  }

  result(): LoadTally {
    const t = { ...this.tally, byCode: { ...this.tally.byCode } };
    for (const c of [...this.conns, ...this.retired]) {
      t.sent += c.tracker.sentCount;
      t.answered += c.tracker.answered;
      t.duplicates += c.tracker.duplicates;
      t.unknown += c.tracker.unknown;
    }
    return t;
  }
}
