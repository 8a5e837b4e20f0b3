import { Injectable } from '@nestjs/common';
import { copyCounts, isCount, isPlain, successRate, zeroNumbers } from '../common/counts';
import { CounterSet, Counters, SectionObject } from '../contracts/counters';

/** The counters of one INSUPC server. */
export interface InsupcServerCounters {
  requests: number;
  success: number;
  /** failures by INSUPC RESULT byte as text, e.g. {"0x10": 3}. */
  failureByResult: Record<string, number>;
  failure: number;
  timeouts: number;
  connectionLosses: number;
  reconnects: number;
  logonFailures: number;
  /** responses whose TRANSACTION_ID matched no outstanding request. */
  unmatchedResponses: number;
  /**
   * the statistics period, bumped by every reset (not a count: kept out of snapshots and
   * restores). A query notes it when sent; its answer counts only in that period, so a query
   * in flight across `/stat/init` never shows as success > requests in the new period.
   */
  epoch: number;
}

export function newInsupcServerCounters(): InsupcServerCounters {
  return {
    requests: 0,
    success: 0,
    failureByResult: {},
    failure: 0,
    timeouts: 0,
    connectionLosses: 0,
    reconnects: 0,
    logonFailures: 0,
    unmatchedResponses: 0,
    epoch: 0,
  };
}

/** Longest INSUPC server name restored from a file (config names are far shorter). */
const MAX_NAME_LENGTH = 200;
/** A restore never creates more than this many INSUPC entries from a file. */
const MAX_RESTORED_SERVERS = 256;

/**
 * The INSUPC transport's counters, one entry per server (snapshot section `client`). Each
 * entry also shows the server's current DB_STATUS, which is live state read from the
 * transport at snapshot time: never reset, never restored.
 */
@Counters()
@Injectable()
export class InsupcCounters implements CounterSet {
  readonly section = 'client';
  private readonly servers = new Map<string, InsupcServerCounters>();
  /** the server's current DB_STATUS ("" until the first logon); set by the transport. */
  dbStatusOf: (server: string) => string = () => '';

  /** The counters of one INSUPC server, created on first use. Callers keep the reference. */
  server(name: string): InsupcServerCounters {
    let c = this.servers.get(name);
    if (!c) {
      c = newInsupcServerCounters();
      this.servers.set(name, c);
    }
    return c;
  }

  names(): string[] {
    return [...this.servers.keys()];
  }

  snapshotInto(into: SectionObject): void {
    for (const [name, c] of this.servers) {
      const { epoch: _period, ...counts } = c;
      into[name] = {
        ...counts,
        failureByResult: { ...c.failureByResult },
        dbStatus: this.dbStatusOf(name),
        success_rate: successRate({ attempts: c.requests, success: c.success, failure: c.failure }),
      };
    }
  }

  reset(): void {
    for (const c of this.servers.values()) {
      const epoch = c.epoch + 1;
      zeroNumbers(c);
      c.epoch = epoch;
      for (const key of Object.keys(c.failureByResult)) delete c.failureByResult[key];
    }
  }

  restoreFrom(saved: SectionObject): number {
    let restored = 0;
    for (const [name, entry] of Object.entries(saved)) {
      if (restored >= MAX_RESTORED_SERVERS) break;
      if (name.length === 0 || name.length > MAX_NAME_LENGTH || !isPlain(entry)) continue;
      const c = this.server(name);
      copyCounts(c, entry, ['epoch']);
      if (isPlain(entry.failureByResult)) {
        for (const [result, n] of Object.entries(entry.failureByResult)) {
          if (result.length <= 16 && isCount(n)) c.failureByResult[result] = n;
        }
      }
      restored++;
    }
    return restored;
  }
}
