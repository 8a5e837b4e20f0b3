/**
 * What the failover manager needs from the IKE daemon. The VICI adapter implements it on a
 * real charon; unit tests implement it in memory.
 */
export const IPSEC_CONTROL = Symbol('IPSEC_CONTROL');

/** The parts of an IKE SA the manager acts on. */
export interface IkeSaInfo {
  uniqueId?: string;
  remoteHost?: string;
  state?: string;
}

export interface IpsecEventSink {
  ikeUpdown(up: boolean, connection: string, sa: IkeSaInfo): void;
  /** the control channel is gone (daemon restarted or socket closed). */
  closed(reason?: string): void;
}

export interface IpsecSecret {
  type: string;
  id?: string;
  secret: string;
  owners?: string[];
}

export interface InitiateResult {
  ok: boolean;
  error?: string;
}

export interface IpsecControl {
  /** connects and subscribes to the events; rejects when the daemon cannot be reached. */
  connect(sink: IpsecEventSink): Promise<{ daemon: string; version: string }>;
  close(): void;
  loadShared(secret: IpsecSecret): Promise<void>;
  /** loads (or replaces, same name) a connection: a swanctl.conf-shaped map. */
  loadConn(name: string, conn: Record<string, unknown>): Promise<void>;
  /** initiates `child` of `ike`; answers after at most `timeoutMs`. */
  initiate(ike: string, child: string, timeoutMs: number): Promise<InitiateResult>;
  /** tears down every IKE SA of a connection at once, established or half-open. */
  terminateIke(ike: string): Promise<void>;
  /**
   * Reachability check of one SEGW without touching the managed connection: on a control
   * channel of its own (so a failover never queues behind it), loads `name` (IKE only, no
   * children: no traffic selectors, no policies next to the live tunnel), initiates it,
   * then terminates and unloads it. Resolves true when an IKE SA was established within
   * `timeoutMs`; never rejects.
   */
  probe(name: string, conn: Record<string, unknown>, timeoutMs: number): Promise<boolean>;
}
