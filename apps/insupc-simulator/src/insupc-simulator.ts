import { isDbStatus, type DbStatus } from '../../../libs/insupc-protocol/src';
import { ControlHttpServer } from './control-http';
import {
  SimulatorError,
  type SimulatorConfigUpdate,
  type SimulatorConfigView,
  type SimulatorControl,
  type SimulatorStats,
} from './simulator-api';
import { InsupcInstance, type SharedSettings } from './insupc-instance';
import { isDelayMillis, MAX_DELAY_MS } from './scenario';
import {
  buildSimulatorConfig,
  type SimulatorConfig,
  type SimulatorConfigInput,
} from './simulator-config';
import { simulatorLogger, type SimulatorLogger } from './simulator-logger';

export interface SimulatorOptions extends SimulatorConfigInput {
  /** a built config (e.g. from loadSimulatorConfigFile); other config fields are then ignored. */
  config?: SimulatorConfig;
  /** `false` = silent. Default: Nest's Logger. */
  logger?: SimulatorLogger | false;
}

export * from './simulator-api';

const BAD_DELAY = `responseDelayMs must be a number 0..${MAX_DELAY_MS}`;

/**
 * Several simulated INSUPC servers in one process plus their control API. Create with
 * {@link startSimulator}; everything the HTTP API does is also a method here.
 */
export class InsupcSimulator implements SimulatorControl {
  private readonly byName = new Map<string, InsupcInstance>();
  private readonly shared: SharedSettings;
  private readonly http: ControlHttpServer | undefined;
  readonly log: SimulatorLogger;

  constructor(
    readonly config: SimulatorConfig,
    logger?: SimulatorLogger | false,
  ) {
    this.log = simulatorLogger(logger);
    this.shared = {
      activeScenario: config.activeScenario,
      responseDelayMs: config.responseDelayMs,
      scenarios: config.scenarios,
      apis: { known: new Set(config.apis.known), noDataPrefix: config.apis.noDataPrefix },
      maxFrameBytes: config.maxFrameBytes,
      log: this.log,
    };
    for (const i of config.instances) this.byName.set(i.name, new InsupcInstance(i, this.shared));
    if (config.http.enabled) this.http = new ControlHttpServer(this, config.http, this.log);
  }

  /** Name and port of every instance, in config order. */
  get instances(): { name: string; port: number }[] {
    return [...this.byName.values()].map((i) => ({ name: i.name, port: i.port }));
  }

  /** HTTP control port; undefined when the control API is disabled. */
  get httpPort(): number | undefined {
    return this.http?.port;
  }

  port(name: string): number {
    return this.instance(name).port;
  }

  async start(): Promise<void> {
    for (const i of this.byName.values()) await i.start();
    await this.http?.start();
  }

  async stop(): Promise<void> {
    await this.http?.stop();
    await Promise.all([...this.byName.values()].map((i) => i.stop()));
  }

  /** Stops one instance's listener and connections; {@link startInstance} reopens the same port. */
  async stopInstance(name: string): Promise<void> {
    await this.instance(name).stop();
  }

  async startInstance(name: string): Promise<void> {
    await this.instance(name).start();
  }

  /** Active scenario for all instances, or an override for one. */
  setScenario(scenario: string, instanceName?: string): void {
    this.checkScenario(scenario);
    if (instanceName !== undefined) {
      this.instance(instanceName).scenarioOverride = scenario;
      return;
    }
    this.shared.activeScenario = scenario;
    const status = this.shared.scenarios[scenario].dbStatus;
    if (status) for (const i of this.byName.values()) this.applyStatus(i, status, true);
  }

  setResponseDelay(ms: number): void {
    if (!isDelayMillis(ms)) throw new SimulatorError(BAD_DELAY);
    this.shared.responseDelayMs = ms;
  }

  /** Changes an instance's DB_STATUS; by default announces it with DB_STATUS_REQUEST. */
  setDbStatus(name: string, status: DbStatus, push = true): void {
    if (!isDbStatus(status))
      throw new SimulatorError(`dbStatus ${String(status)} is not MA|MS|MB|DA|DS|DB`);
    this.applyStatus(this.instance(name), status, push);
  }

  dbStatus(name: string): DbStatus {
    return this.instance(name).dbStatus;
  }

  /** Sends DB_STATUS_REQUEST (current status) on logged-on connections; returns how many. */
  pushStatus(name?: string): number {
    return this.select(name).reduce((n, i) => n + i.pushStatus(), 0);
  }

  /** Closes the connections of one or every instance (listeners stay up); returns how many. */
  disconnectClients(name?: string): number {
    return this.select(name).reduce((n, i) => n + i.disconnectClients(), 0);
  }

  connections(name: string): number {
    return this.instance(name).connectionCount;
  }

  loggedOn(name: string): number {
    return this.instance(name).loggedOnCount;
  }

  stats(): SimulatorStats {
    const instances: SimulatorStats['instances'] = {};
    for (const i of this.byName.values()) {
      instances[i.name] = { ...i.stats.snapshot(), connections: i.connectionCount };
    }
    return { instances };
  }

  /** Frames of `msgCode` received by an instance (cheap; for tests polling a condition). */
  received(name: string, msgCode: number): number {
    return this.instance(name).stats.received[msgCode];
  }

  resetStats(): void {
    for (const i of this.byName.values()) i.stats.reset();
  }

  view(): SimulatorConfigView {
    const scenarios: SimulatorConfigView['scenarios'] = {};
    for (const [name, s] of Object.entries(this.shared.scenarios)) {
      scenarios[name] = { description: s.description };
    }
    return {
      activeScenario: this.shared.activeScenario,
      responseDelayMs: this.shared.responseDelayMs,
      scenarios,
      knownApis: [...this.shared.apis.known],
      noDataPrefix: this.shared.apis.noDataPrefix,
      instances: [...this.byName.values()].map((i) => ({
        name: i.name,
        host: i.host,
        port: i.port,
        running: i.running,
        dbStatus: i.dbStatus,
        scenario: i.scenarioName,
        connections: i.connectionCount,
        loggedOn: i.loggedOnCount,
      })),
    };
  }

  /** Validates the whole update before applying any of it. */
  update(u: SimulatorConfigUpdate): SimulatorConfigView {
    const scenario = u.scenario ?? u.activeScenario;
    if (scenario !== undefined) this.checkScenario(scenario);
    if (u.responseDelayMs !== undefined && !isDelayMillis(u.responseDelayMs)) {
      throw new SimulatorError(BAD_DELAY);
    }
    const statuses = new Map<InsupcInstance, DbStatus>();
    const overrides = new Map<InsupcInstance, string | undefined>();
    if (typeof u.dbStatus === 'string') {
      this.checkStatus(u.dbStatus);
      for (const i of this.byName.values()) statuses.set(i, u.dbStatus);
    } else if (u.dbStatus !== undefined) {
      for (const [name, st] of Object.entries(u.dbStatus))
        statuses.set(this.instance(name), this.checkStatus(st));
    }
    for (const [name, change] of Object.entries(u.instances ?? {})) {
      const inst = this.instance(name);
      if (change.dbStatus !== undefined) statuses.set(inst, this.checkStatus(change.dbStatus));
      if (change.scenario === null) overrides.set(inst, undefined);
      else if (change.scenario !== undefined)
        overrides.set(inst, this.checkScenario(change.scenario));
    }
    if (scenario !== undefined) this.setScenario(scenario);
    if (u.responseDelayMs !== undefined) this.shared.responseDelayMs = u.responseDelayMs;
    for (const [inst, name] of overrides) inst.scenarioOverride = name;
    for (const [inst, st] of statuses) this.applyStatus(inst, st, u.push !== false);
    return this.view();
  }

  private applyStatus(inst: InsupcInstance, status: DbStatus, push: boolean): void {
    if (inst.dbStatus === status) return;
    this.log.log(`${inst.name}: dbStatus ${inst.dbStatus} -> ${status}`);
    inst.dbStatus = status;
    if (push) inst.pushStatus();
  }

  private instance(name: string): InsupcInstance {
    const i = this.byName.get(name);
    if (!i) throw new SimulatorError(`unknown instance ${name}`, 404);
    return i;
  }

  private select(name?: string): InsupcInstance[] {
    return name === undefined ? [...this.byName.values()] : [this.instance(name)];
  }

  private checkScenario(name: string): string {
    if (typeof name !== 'string' || !this.shared.scenarios[name]) {
      throw new SimulatorError(`unknown scenario ${String(name)}`);
    }
    return name;
  }

  private checkStatus(st: unknown): DbStatus {
    if (!isDbStatus(st))
      throw new SimulatorError(`dbStatus ${String(st)} is not MA|MS|MB|DA|DS|DB`);
    return st;
  }
}

/** Builds, starts and returns a simulator. Defaults: INSUPC-1 and INSUPC-2 on ephemeral loopback ports, no HTTP. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<InsupcSimulator> {
  const { config, logger, ...input } = options;
  const simulator = new InsupcSimulator(config ?? buildSimulatorConfig(input), logger);
  try {
    await simulator.start();
  } catch (e) {
    await simulator.stop();
    throw e;
  }
  return simulator;
}
