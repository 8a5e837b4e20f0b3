import type { DbStatus } from '../../../libs/insupc-protocol/src';
import type { InstanceStatsSnapshot } from './instance-stats';

/**
 * What the simulator offers its control API (control-http.ts depends on this, not on the
 * simulator class, so the two do not import each other).
 */

export class SimulatorError extends Error {
  override name = 'SimulatorError';
  constructor(
    message: string,
    /** HTTP status the control API answers with. */
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface InstanceView {
  name: string;
  host: string;
  port: number;
  running: boolean;
  dbStatus: DbStatus;
  scenario: string;
  connections: number;
  loggedOn: number;
}

export interface SimulatorConfigView {
  activeScenario: string;
  responseDelayMs: number;
  scenarios: Record<string, { description: string }>;
  knownApis: string[];
  noDataPrefix: string;
  instances: InstanceView[];
}

/** POST /api/simulator/config body, also usable directly. */
export interface SimulatorConfigUpdate {
  /** switches the active scenario (alias: activeScenario). */
  scenario?: string;
  activeScenario?: string;
  responseDelayMs?: number;
  /** one status for every instance, or per instance name. */
  dbStatus?: DbStatus | Record<string, DbStatus>;
  /** per instance: dbStatus and/or scenario (null = back to the active scenario). */
  instances?: Record<string, { dbStatus?: DbStatus; scenario?: string | null }>;
  /** announce status changes with DB_STATUS_REQUEST (default true, like a real server). */
  push?: boolean;
}

export interface SimulatorStats {
  instances: Record<string, InstanceStatsSnapshot & { connections: number }>;
}

/** The simulator operations the HTTP control API calls. */
export interface SimulatorControl {
  readonly instances: { name: string; port: number }[];
  view(): SimulatorConfigView;
  update(u: SimulatorConfigUpdate): SimulatorConfigView;
  disconnectClients(name?: string): number;
  setDbStatus(name: string, status: DbStatus, push?: boolean): void;
  pushStatus(name?: string): number;
  stats(): SimulatorStats;
  resetStats(): void;
  stopInstance(name: string): Promise<void>;
  startInstance(name: string): Promise<void>;
}
