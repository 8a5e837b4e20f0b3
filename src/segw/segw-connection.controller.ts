import { Logger } from '@nestjs/common';
import { Scheduler } from '../common/scheduler';
import { SegwPolicyConfig } from '../config/config.schema';
import { SegwCounters } from './segw.counters';
import { FAILBACK_PROBE_SUFFIX, LOSS_PROBE_SUFFIX } from './charon-config';
import { initiateOn } from './charon-initiate';
import {
  ConnectionFailover,
  nextIndex,
  SegwConnectionView,
  SegwState,
  viewOf,
} from './failover-policy';
import { IkeSaInfo, IpsecControl } from './ipsec-control';
import { PlanSlot } from './plan-slot';
import { ConnectionRecorder } from './connection-recorder';
import { SegwHistory } from './segw-history';
import { SegwCode, segwIncident, segwLine } from './segw-incidents';
import { SegwProber } from './segw-prober';
import { parseList } from '../../libs/vici/src';

/** What one connection's controller works with; all of it shared by every connection. */
export interface ControllerDeps {
  control: IpsecControl;
  scheduler: Scheduler;
  history: SegwHistory;
  /** read at each use: a reloaded policy applies to the next decision. */
  policy: SegwPolicyConfig;
  counters: SegwCounters;
  /** the VICI session is up (nothing is loaded while it is not). */
  online(): boolean;
}

/**
 * Drives one managed connection (operations spec section 5): charon holds one remote
 * address for it, this controller chooses which. Connections are independent: each has
 * its own controller, and nothing here touches another connection's SAs or state.
 */
export class SegwConnectionController {
  private readonly log: Logger;
  readonly failover: ConnectionFailover;
  private readonly plan: PlanSlot;
  private saId?: string;
  private attempting = false;
  private readonly prober: SegwProber;
  private readonly recorder: ConnectionRecorder;
  /** the address the connection was on when it went FAILED, until it is up again. */
  private failedOn?: string;

  constructor(
    readonly name: string,
    /** the operator's connection with every list key a list (`toViciConnection`). */
    private readonly conn: Record<string, unknown>,
    private readonly deps: ControllerDeps,
  ) {
    this.log = new Logger(`Segw|${name}`);
    this.failover = new ConnectionFailover(name, parseList(conn.remote_addrs) ?? [], Date.now());
    this.prober = new SegwProber(name, conn, deps.control, deps.scheduler);
    this.recorder = new ConnectionRecorder(name, deps.history, deps.counters);
    this.plan = new PlanSlot(deps.scheduler);
  }

  get state(): SegwState {
    return this.failover.state;
  }

  view(): SegwConnectionView {
    return viewOf(this.failover);
  }

  /** The VICI session is (again) up: load and initiate on the current address. */
  start(): void {
    this.failover.restart(this.failover.index, Date.now());
    void this.attempt();
  }

  /** The VICI session is gone: whatever was in flight is void. */
  suspend(): void {
    this.cancel();
    this.saId = undefined;
    this.recorder.settle('superseded');
    this.failover.restart(this.failover.index, Date.now());
    this.recorder.up(false);
  }

  stop(): void {
    this.cancel();
  }

  /** Admin: switch to the next address now. */
  failoverNow(): void {
    this.restartAt(this.nextIndex(), 'manual', 'operator');
  }

  /** Admin: return to the first address now. */
  primaryNow(): void {
    this.restartAt(0, 'manual-primary', 'operator');
  }

  ikeUpdown(up: boolean, sa: IkeSaInfo): void {
    // An SA to an address we already left (terminated on a switch) is history.
    if (sa.remoteHost && sa.remoteHost !== this.failover.current) return;
    if (up) {
      this.saId = sa.uniqueId;
      // during an attempt, UP waits for every child (an IKE SA alone carries no traffic)
      if (!this.attempting) this.established();
      return;
    }
    // during an attempt its own outcome decides (it terminates what it leaves behind)
    if (this.attempting || this.state !== 'UP') return;
    if (this.saId && sa.uniqueId && sa.uniqueId !== this.saId) return;
    this.saId = undefined;
    const text = `IKE SA of '${this.name}' to ${this.failover.current} went down`;
    this.log.warn(segwIncident('ike-down', text));
    this.failure('ike-down', 'ike-down');
  }

  /**
   * Section 5.3: every INSUPC server behind this connection lost its connections. Probe the
   * current SEGW (IKE only); dead → fail over at once, alive → keep the SA.
   */
  async insupcLost(): Promise<void> {
    const p = this.deps.policy;
    await this.prober.settled(); // a failback probe in flight: check the loss after it
    if (!p.insupcLossProbe || this.state !== 'UP' || !this.prober.lossProbeDue) return;
    const valid = this.plan.token();
    const address = this.failover.current;
    const alive = await this.prober.probe(LOSS_PROBE_SUFFIX, address, p.probeTimeout);
    if (!valid() || this.state !== 'UP') return;
    if (alive) {
      this.prober.quietFor(p.backoffMax);
      this.log.log(`SEGW ${address} answers; INSUPC loss through '${this.name}' is not the tunnel`);
      return;
    }
    const text = `SEGW ${address} of '${this.name}' answers no probe within ${p.probeTimeout} ms`;
    this.log.warn(segwIncident('insupc-lost', text));
    this.saId = undefined;
    this.failure('insupc-lost', 'insupc-lost');
  }

  // ---------------------------------------------------------------- internals

  /** Voids the timer and whatever async step is in flight. */
  private cancel(): void {
    this.plan.replace();
    this.attempting = false;
  }

  /** Replaces whatever is in flight by `fn`, run after `delayMs` (0: now). */
  private later(delayMs: number, fn: () => void): void {
    this.cancel();
    this.plan.after(delayMs, fn);
  }

  private nextIndex(): number {
    return nextIndex(this.failover.index, this.failover.addresses.length);
  }

  private established(): void {
    if (this.state === 'UP') return;
    this.failover.established(Date.now());
    this.recorder.up(true);
    this.recorder.settle('success');
    this.log.log(segwLine('ok', `SEGW connection ${this.name} UP via ${this.failover.current}`));
    if (this.failedOn !== undefined) {
      const { failedOn, failover } = this;
      this.recorder.note(failedOn, failover.current, 'recovered-from-failed', 'ok', 'success');
      this.failedOn = undefined;
    }
    if (this.failover.wantsFailback(this.deps.policy)) this.scheduleFailbackProbe();
  }

  /**
   * `failback: primary`: every `backoff-max` while UP on another SEGW, check that the
   * primary accepts an IKE SA and only then move back: moving back blind would cost an
   * outage each time the primary is still dead.
   */
  private scheduleFailbackProbe(): void {
    this.plan.after(this.deps.policy.backoffMax, () => void this.probePrimary());
  }

  private async probePrimary(): Promise<void> {
    const valid = this.plan.token();
    const wants = () => valid() && this.failover.wantsFailback(this.deps.policy);
    if (!wants()) return;
    if (!this.prober.idle) return this.scheduleFailbackProbe();
    const primary = this.failover.addresses[0];
    const ok = await this.prober.probe(
      FAILBACK_PROBE_SUFFIX,
      primary,
      this.deps.policy.initiateTimeout,
    );
    if (!wants()) return;
    if (ok) this.restartAt(0, 'failback', 'ok');
    else this.scheduleFailbackProbe();
  }

  /** A fresh round from address `index` now (admin actions, failback, the FAILED timer). */
  private restartAt(index: number, reason: string, code: SegwCode): void {
    const from = this.failover.current;
    this.failover.restart(index, Date.now());
    this.switchTo(from, reason, code, 0);
  }

  /** The SA is gone or an attempt failed (`code` says how): retry elsewhere, or FAILED. */
  private failure(code: SegwCode, reason: string): void {
    this.recorder.up(false);
    this.recorder.settle(`failed: ${reason}`);
    const p = this.deps.policy;
    const decision = this.failover.failed(Date.now(), p);
    if (decision.kind === 'retry') {
      const from = this.failover.addresses[decision.fromIndex];
      const single = this.failover.addresses.length === 1;
      this.switchTo(from, reason, single ? 'no-alternative-segw' : code, decision.delayMs);
      return;
    }
    const { name, failover } = this;
    this.log.error(
      segwIncident(
        'max-retry-exceeded',
        `SEGW connection ${name} FAILED after ${failover.retries} retries; last failure ${code} (${reason}); next try in ${decision.retryAfterMs} ms`,
      ),
    );
    const at = (this.failedOn = failover.current);
    this.recorder.note(at, at, reason, 'max-retry-exceeded', 'failed: max-retries');
    this.later(decision.retryAfterMs, () =>
      this.restartAt(this.nextIndex(), 'retry-after-failed', 'max-retry-exceeded'),
    );
  }

  /** Records the switch and (after `delayMs`) re-loads the connection on its current address. */
  private switchTo(from: string, reason: string, code: SegwCode, delayMs: number): void {
    const { name, failover } = this;
    const to = failover.current;
    this.recorder.switching(from, to, reason, code);
    const retry = `${failover.retries}/${this.deps.policy.maxRetries}`;
    this.log.warn(
      segwLine(
        code,
        `Initiating failover: ${from} -> ${to} (connection ${name}, reason ${code}, retry ${retry})`,
      ),
    );
    this.later(delayMs, () => void this.attempt());
  }

  /** Loads the connection with its one current address and initiates every child. */
  private async attempt(): Promise<void> {
    if (!this.deps.online()) return;
    this.cancel();
    const valid = this.plan.token();
    this.failover.connecting(Date.now());
    this.saId = undefined;
    this.attempting = true;
    const { control, policy, online } = this.deps;
    const { name, conn } = this;
    const current = () => valid() && online();
    const timeout = policy.initiateTimeout;
    const r = await initiateOn(control, name, conn, this.failover.current, timeout, current);
    if ('stale' in r) return;
    this.attempting = false;
    if (r.ok) return this.established();
    this.recorder.initiateFailed();
    const text = `initiate of '${name}' to ${this.failover.current} failed: ${r.why}`;
    this.log.warn(segwIncident(r.code, text));
    this.failure(r.code, `initiate: ${r.why}`);
  }
}
