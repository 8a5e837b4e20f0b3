/**
 * A SIPSVC client population member for multi-instance specs: keeps `window` executes in
 * flight through a balancer, and behaves like a well-made SIPSVC application server when its
 * gateway goes away: after "Server shutting down" (result 18) it sends nothing more on that
 * connection, waits for the close, reconnects (the balancer picks another instance) and sends
 * the refused work again. It checks what a client can: every execute answered exactly once
 * and with its own answer; a request failed by a close or a timeout is recorded as lost.
 */
import { connectSipsvc, SipsvcTestClient } from './sipsvc-test-client';
import { waitFor } from './wait-for';

const API = 'mcidGetProfile';
const SHUTTING_DOWN = 18;
const RECONNECT_ATTEMPTS = 50;

export class ReconnectingLoadClient {
  sent = 0;
  ok = 0;
  /** answers with another result, by result code */
  readonly refused = new Map<number, number>();
  /** "<id>: why" for each execute that got no answer */
  readonly lost: string[] = [];
  /** answers that matched no pending request (a second answer) */
  duplicates = 0;
  /** answers carrying another request's parameters */
  mismatched = 0;
  connections = 0;
  closedByServer = 0;
  inFlight = 0;
  private current: SipsvcTestClient | undefined;
  private draining = false;
  private paused = false;
  private stopping = false;
  private seq = 0;
  private readonly retry: string[] = [];
  private reconnecting: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly port: number,
    private readonly window = 2,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  /** successful answers since `mark` (a value of `ok` read earlier) */
  okSince(mark: number): number {
    return this.ok - mark;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.fill();
  }

  /** stops sending, waits for every answer, closes the connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.reconnecting;
    await waitFor(() => this.inFlight === 0, 15000, `${this.name}: answers to what is in flight`);
    const c = this.current;
    this.current = undefined;
    await c?.close();
  }

  private async connect(): Promise<void> {
    let lastError: unknown;
    for (let attempt = 0; attempt < RECONNECT_ATTEMPTS; attempt++) {
      try {
        const c = await connectSipsvc(this.port, { timeoutMs: 15000 });
        try {
          await c.authOk();
        } catch (e) {
          c.client.destroy();
          throw e;
        }
        this.adopt(c);
        return;
      } catch (e) {
        lastError = e;
        await new Promise((r) => setTimeout(r, 50)); // the balancer notices the gone instance
      }
    }
    throw new Error(`${this.name}: no connection through the balancer: ${String(lastError)}`);
  }

  private adopt(c: SipsvcTestClient): void {
    this.connections++;
    this.current = c;
    this.draining = false;
    void this.countUnclaimed(c);
    void c.client.closed.then(() => this.onClosed(c));
    this.fill();
  }

  private onClosed(c: SipsvcTestClient): void {
    if (this.current !== c) return;
    this.current = undefined;
    if (this.stopping) return;
    this.closedByServer++;
    this.reconnecting = this.connect().finally(() => (this.reconnecting = undefined));
  }

  /** every answer no request claimed: a duplicate on the wire */
  private async countUnclaimed(c: SipsvcTestClient): Promise<void> {
    for (;;) {
      try {
        await c.next(3_600_000);
        this.duplicates++;
      } catch {
        return;
      }
    }
  }

  private fill(): void {
    const c = this.current;
    while (c && !this.paused && !this.stopping && !this.draining && this.inFlight < this.window) {
      this.send(c, this.retry.shift() ?? `${this.name}-${this.seq++}`);
    }
  }

  private send(c: SipsvcTestClient, id: string): void {
    this.sent++;
    this.inFlight++;
    c.execute(API, [id]).then(
      (res) => {
        this.inFlight--;
        if (!JSON.stringify(res.data ?? '').includes(`"${id}"`) && res.result === 0) {
          this.mismatched++;
        }
        if (res.result === 0) this.ok++;
        else this.refused.set(Number(res.result), (this.refused.get(Number(res.result)) ?? 0) + 1);
        if (res.result === SHUTTING_DOWN) {
          this.draining = true;
          this.retry.push(id);
        }
        this.fill();
      },
      (e: Error) => {
        this.inFlight--;
        this.lost.push(`${id}: ${e.message}`);
      },
    );
  }
}
