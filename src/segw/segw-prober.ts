import { Scheduler } from '../common/scheduler';
import { probeConn } from './charon-config';
import { IpsecControl } from './ipsec-control';

/**
 * The IKE-only probes of one managed connection (failback and INSUPC loss, sections 5 and
 * 5.3): at most one at a time, never touching the managed SA (own charon name, own VICI
 * channel), and a quiet period after a SEGW answered an INSUPC-loss probe.
 */
export class SegwProber {
  private running: Promise<boolean> | null = null;
  private quietUntil = -Infinity;

  constructor(
    private readonly name: string,
    private readonly conn: Record<string, unknown>,
    private readonly control: IpsecControl,
    private readonly scheduler: Scheduler,
  ) {}

  get idle(): boolean {
    return this.running === null;
  }

  /** resolves when no probe is running. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** no probe running and no quiet period. */
  get lossProbeDue(): boolean {
    return this.idle && this.scheduler.now() >= this.quietUntil;
  }

  quietFor(ms: number): void {
    this.quietUntil = this.scheduler.now() + ms;
  }

  /** true when `address` established an IKE SA for `<name><suffix>` within `timeoutMs`. */
  async probe(suffix: string, address: string, timeoutMs: number): Promise<boolean> {
    const name = `${this.name}${suffix}`;
    const run = this.control.probe(name, probeConn(this.conn, address), timeoutMs);
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = null;
    }
  }
}
