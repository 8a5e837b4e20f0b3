import { Scheduler } from '../common/scheduler';
import { probeConn } from './charon-config';
import { IpsecControl } from './ipsec-control';

/**
 * The IKE-only probes of one managed connection (failback and INSUPC loss, sections 5 and
 * 5.3): at most one at a time, never touching the managed SA (own charon name, own VICI
 * channel), and a quiet period after a SEGW answered an INSUPC-loss probe.
 */
export class SegwProber {
  private busy = false;
  private quietUntil = -Infinity;

  constructor(
    private readonly name: string,
    private readonly conn: Record<string, unknown>,
    private readonly control: IpsecControl,
    private readonly scheduler: Scheduler,
  ) {}

  get idle(): boolean {
    return !this.busy;
  }

  /** no probe running and no quiet period. */
  get lossProbeDue(): boolean {
    return !this.busy && this.scheduler.now() >= this.quietUntil;
  }

  quietFor(ms: number): void {
    this.quietUntil = this.scheduler.now() + ms;
  }

  /** true when `address` established an IKE SA for `<name><suffix>` within `timeoutMs`. */
  async probe(suffix: string, address: string, timeoutMs: number): Promise<boolean> {
    this.busy = true;
    try {
      return await this.control.probe(
        `${this.name}${suffix}`,
        probeConn(this.conn, address),
        timeoutMs,
      );
    } finally {
      this.busy = false;
    }
  }
}
