import { performance } from 'node:perf_hooks';
import type { AnswerSink, ConnectionOpener, LoadConnection, LoadShape } from './load-connection';
import type { LoadReport } from './load-report';
import { LatencyHistogram } from './latency-histogram';
import { LoadgenConnection } from './loadgen-connection';
import type { LoadgenOptions } from './loadgen-options';

const OPEN_LOOP_TICK_MS = 2;
const MAX_ERRORS_KEPT = 10;

/**
 * Drives N authenticated connections: closed loop (each keeps `window` executes outstanding,
 * sending one more per answer) or open loop (`rate` executes/s over all connections, paced by
 * one timer, whatever the answers do). Stops sending after warm-up + duration or `count`
 * measured executes, waits for what is outstanding, and reports.
 */
export class LoadGenerator implements AnswerSink {
  private conns: LoadConnection[] = [];
  private readonly histogram = new LatencyHistogram();
  private readonly results: Record<string, number> = {};
  private readonly errors: string[] = [];
  private errorCount = 0;
  private startedAt = 0;
  private measureFrom = 0;
  private lastMeasuredAnswer = 0;
  private measuredAnswers = 0;
  private measuredSent = 0;
  private sending = false;
  private openLoopSent = 0;
  private rr = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private finish: (() => void) | undefined;

  /** `open` defaults to SIPSVC connections to a gateway (`o` must then be LoadgenOptions). */
  constructor(
    private readonly o: LoadShape,
    private readonly open: ConnectionOpener = (_i, sink) =>
      LoadgenConnection.open(o as LoadgenOptions, sink),
  ) {}

  async run(): Promise<LoadReport> {
    const opened = await Promise.allSettled(
      Array.from({ length: this.o.connections }, (_, i) => this.open(i, this)),
    );
    const failed = opened.find((r) => r.status === 'rejected');
    if (failed) {
      for (const r of opened) if (r.status === 'fulfilled') r.value.close();
      throw failed.reason;
    }
    this.conns = opened.map((r) => (r as PromiseFulfilledResult<LoadConnection>).value);
    const done = new Promise<void>((resolve) => (this.finish = resolve));
    this.startedAt = performance.now();
    this.measureFrom = this.startedAt + this.o.warmup * 1000;
    this.sending = true;
    if (this.o.duration > 0) {
      this.timers.push(
        setTimeout(() => this.stopSending(), (this.o.warmup + this.o.duration) * 1000),
      );
    }
    if (this.o.rate > 0) {
      this.timers.push(setInterval(() => this.openLoopTick(), OPEN_LOOP_TICK_MS));
    } else {
      for (const c of this.conns) {
        c.cork();
        for (let i = 0; i < this.o.window && this.mayStillSend(); i++) this.send(c);
        c.uncork();
      }
    }
    await done;
    for (const t of this.timers) clearTimeout(t);
    for (const c of this.conns) c.close();
    return this.report();
  }

  answer(conn: LoadConnection, result: number, sendTime: number, now: number): void {
    this.results[result] = (this.results[result] ?? 0) + 1;
    if (sendTime >= this.measureFrom) {
      this.histogram.record((now - sendTime) * 1000);
      this.measuredAnswers++;
      this.lastMeasuredAnswer = now;
    }
    if (this.sending) {
      if (this.o.rate === 0 && this.mayStillSend()) this.send(conn);
    } else if (this.outstanding() === 0) {
      this.finish?.();
    }
  }

  closed(conn: LoadConnection, why: string): void {
    if (!this.conns.includes(conn)) return; // failed during auth: run() rejects
    this.error(`connection closed: ${why}`);
    if (this.conns.every((c) => c.closed)) {
      this.sending = false;
      this.finish?.();
    } else if (!this.sending && this.outstanding() === 0) {
      this.finish?.();
    }
  }

  private send(c: LoadConnection): void {
    if (performance.now() >= this.measureFrom) this.measuredSent++;
    c.sendExecute();
  }

  private mayStillSend(): boolean {
    if (this.o.count > 0 && this.measuredSent >= this.o.count) {
      this.stopSending();
      return false;
    }
    return this.sending;
  }

  private openLoopTick(): void {
    const due = Math.floor(((performance.now() - this.startedAt) * this.o.rate) / 1000);
    let n = due - this.openLoopSent;
    if (n <= 0) return;
    const live = this.conns.filter((c) => !c.closed);
    if (live.length === 0) return;
    for (const c of live) c.cork();
    while (n-- > 0 && this.mayStillSend()) {
      this.send(live[this.rr++ % live.length]);
      this.openLoopSent++;
    }
    for (const c of live) c.uncork();
  }

  private stopSending(): void {
    if (!this.sending) return;
    this.sending = false;
    if (this.outstanding() === 0) {
      this.finish?.();
      return;
    }
    this.timers.push(setTimeout(() => this.finish?.(), this.o.drainTimeout * 1000));
  }

  private outstanding(): number {
    let n = 0;
    for (const c of this.conns) if (!c.closed) n += c.tracker.outstanding;
    return n;
  }

  private error(text: string): void {
    this.errorCount++;
    if (this.errors.length < MAX_ERRORS_KEPT) this.errors.push(text);
  }

  private report(): LoadReport {
    let sent = 0;
    let answered = 0;
    let unanswered = 0;
    let duplicates = 0;
    let unknown = 0;
    for (const c of this.conns) {
      sent += c.tracker.sentCount;
      answered += c.tracker.answered;
      unanswered += c.tracker.outstanding;
      duplicates += c.tracker.duplicates;
      unknown += c.tracker.unknown;
    }
    const seconds = Math.max(0, (this.lastMeasuredAnswer - this.measureFrom) / 1000);
    const h = this.histogram;
    const ms = (us: number): number => Math.round(us) / 1000;
    if (this.errorCount > this.errors.length) {
      this.errors.push(`... ${this.errorCount - this.errors.length} more`);
    }
    return {
      mode:
        this.o.rate > 0 ? `open loop, ${this.o.rate}/s` : `closed loop, window ${this.o.window}`,
      connections: this.o.connections,
      framing: this.o.framing,
      measuredSeconds: Math.round(seconds * 1000) / 1000,
      sent,
      answered,
      unanswered,
      duplicates,
      unknown,
      exactlyOnce: unanswered === 0 && duplicates === 0 && unknown === 0,
      results: this.results,
      throughput: seconds > 0 ? Math.round(this.measuredAnswers / seconds) : 0,
      latencyMs: {
        p50: ms(h.percentile(50)),
        p90: ms(h.percentile(90)),
        p99: ms(h.percentile(99)),
        max: ms(h.max),
        mean: ms(h.mean),
      },
      errors: this.errors,
    };
  }
}
