/**
 * The statistics snapshot: what GET /stat returns, what is written to `stat-file` and
 * POSTed to `state-server.url`. Restoring reads a file an operator (or a crash) may have
 * mangled, so {@link restoreCounters} trusts nothing: it copies only non-negative integers
 * into known fields and ignores everything else.
 */
import {
  CommandCounters,
  InsupcServerCounters,
  SegwCounters,
  SIPSVC_COMMANDS,
  SipsvcCommand,
  SipsvcCounters,
  successRate,
} from './statistics.counters';

export type CommandSnapshot = CommandCounters & { success_rate: number };

export interface StatisticsSnapshot {
  systemName: string;
  /** ISO-8601 */
  timestamp: string;
  server: Omit<SipsvcCounters, 'commands'> & { commands: Record<SipsvcCommand, CommandSnapshot> };
  client: Record<string, InsupcServerCounters & { success_rate: number }>;
  segw: SegwCounters;
}

export interface CounterSources {
  sipsvc: SipsvcCounters;
  segw: SegwCounters;
  insupcServers: ReadonlyMap<string, InsupcServerCounters>;
}

const commandSnapshot = (c: CommandCounters): CommandSnapshot => ({
  attempts: c.attempts,
  success: c.success,
  failure: c.failure,
  success_rate: successRate(c),
});

export function buildSnapshot(
  systemName: string,
  now: Date,
  src: CounterSources,
): StatisticsSnapshot {
  const { commands, ...serverRest } = src.sipsvc;
  const client: StatisticsSnapshot['client'] = {};
  for (const [name, c] of src.insupcServers) {
    client[name] = {
      ...c,
      failureByResult: { ...c.failureByResult },
      success_rate: successRate({ attempts: c.requests, success: c.success, failure: c.failure }),
    };
  }
  return {
    systemName,
    timestamp: now.toISOString(),
    server: {
      ...serverRest,
      commands: {
        auth: commandSnapshot(commands.auth),
        heartbeat: commandSnapshot(commands.heartbeat),
        execute: commandSnapshot(commands.execute),
      },
    },
    client,
    segw: { ...src.segw },
  };
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Copies every valid count in `from` onto the same-named numeric field of `into`. */
function copyCounts(into: object, from: unknown): void {
  if (!isPlain(from)) return;
  const target = into as Plain;
  for (const key of Object.keys(target)) {
    if (typeof target[key] === 'number' && isCount(from[key])) target[key] = from[key];
  }
}

/** Longest INSUPC server name restored from a file (config names are far shorter). */
const MAX_NAME_LENGTH = 200;
/** A restore never creates more than this many INSUPC entries from a file. */
const MAX_RESTORED_SERVERS = 256;

/**
 * Restores counters from a parsed snapshot into the live objects, in place. Fields missing
 * or invalid in the file keep their current values. `insupc(name)` returns (creating) the
 * live counters of one server. Returns the number of INSUPC servers restored.
 */
export function restoreCounters(
  data: unknown,
  live: { sipsvc: SipsvcCounters; segw: SegwCounters; insupc(name: string): InsupcServerCounters },
): number {
  if (!isPlain(data)) return 0;
  const server = data.server;
  if (isPlain(server)) {
    copyCounts(live.sipsvc, server);
    const commands = server.commands;
    if (isPlain(commands)) {
      for (const cmd of SIPSVC_COMMANDS) copyCounts(live.sipsvc.commands[cmd], commands[cmd]);
    }
  }
  copyCounts(live.segw, data.segw);
  let restored = 0;
  const client = data.client;
  if (isPlain(client)) {
    for (const [name, saved] of Object.entries(client)) {
      if (restored >= MAX_RESTORED_SERVERS) break;
      if (name.length === 0 || name.length > MAX_NAME_LENGTH || !isPlain(saved)) continue;
      const c = live.insupc(name);
      copyCounts(c, saved);
      if (isPlain(saved.failureByResult)) {
        for (const [result, n] of Object.entries(saved.failureByResult)) {
          if (result.length <= 16 && isCount(n)) c.failureByResult[result] = n;
        }
      }
      restored++;
    }
  }
  return restored;
}

/** Zeroes every counter in place (the objects stay the same: hot paths hold references). */
export function zeroCounters(live: CounterSources): void {
  for (const cmd of SIPSVC_COMMANDS) zeroNumbers(live.sipsvc.commands[cmd]);
  zeroNumbers(live.sipsvc);
  zeroNumbers(live.segw);
  for (const c of live.insupcServers.values()) {
    zeroNumbers(c);
    for (const key of Object.keys(c.failureByResult)) delete c.failureByResult[key];
  }
}

function zeroNumbers(o: object): void {
  const target = o as Plain;
  for (const key of Object.keys(target)) if (typeof target[key] === 'number') target[key] = 0;
}
