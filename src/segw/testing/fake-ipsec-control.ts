import { InitiateResult, IpsecControl, IpsecEventSink } from '../ipsec-control';

/**
 * In-memory charon for unit specs: records every call, initiates succeed towards the
 * `reachable` addresses (the ike-updown event first, as charon sends it), `hold` makes the
 * next initiates wait until `release()`.
 */
export class FakeIpsecControl implements IpsecControl {
  calls: string[] = [];
  reachable = new Set<string>();
  sink?: IpsecEventSink;
  up = true;
  probes: Array<{ name: string; conn: Record<string, unknown>; timeoutMs: number }> = [];
  /** a probe answers only when released (to see "one probe at a time"). */
  holdProbes = false;
  private probeWaiters: Array<() => void> = [];
  hold = false;
  private waiters: Array<() => void> = [];
  readonly loaded = new Map<string, string>();
  private id = 0;
  /** the unique id of each connection's established IKE SA. */
  readonly sas = new Map<string, string>();

  async connect(sink: IpsecEventSink) {
    if (!this.up) throw new Error('ENOENT');
    this.sink = sink;
    return { daemon: 'charon', version: 'fake' };
  }
  close() {}
  async loadShared() {
    this.calls.push('load-shared');
  }
  async loadConn(name: string, conn: Record<string, unknown>) {
    const addr = (conn.remote_addrs as string[])[0];
    this.loaded.set(name, addr);
    this.calls.push(`load ${name} ${addr}`);
  }
  async initiate(ike: string, child: string): Promise<InitiateResult> {
    const addr = this.loaded.get(ike)!;
    this.calls.push(`initiate ${ike} ${child} ${addr}`);
    if (this.hold) await new Promise<void>((r) => this.waiters.push(r));
    if (!this.reachable.has(addr)) return { ok: false, error: 'timeout' };
    if (!this.sas.has(ike)) {
      this.sas.set(ike, String(++this.id));
      this.sink!.ikeUpdown(true, ike, { uniqueId: this.sas.get(ike), remoteHost: addr });
    }
    return { ok: true };
  }
  release() {
    this.hold = false;
    this.waiters.splice(0).forEach((w) => w());
  }
  async terminateIke(ike: string) {
    this.calls.push(`terminate ${ike}`);
    this.sas.delete(ike);
  }
  async probe(name: string, conn: Record<string, unknown>, timeoutMs: number) {
    this.probes.push({ name, conn, timeoutMs });
    if (this.holdProbes) await new Promise<void>((r) => this.probeWaiters.push(r));
    return this.reachable.has((conn.remote_addrs as string[])[0]);
  }
  releaseProbes() {
    this.holdProbes = false;
    this.probeWaiters.splice(0).forEach((w) => w());
  }
  /** the SEGW of `ike` dies: DPD reports its IKE SA down. */
  kill(ike: string) {
    const id = this.sas.get(ike);
    this.sas.delete(ike);
    this.sink!.ikeUpdown(false, ike, { uniqueId: id, remoteHost: this.loaded.get(ike) });
  }
}
