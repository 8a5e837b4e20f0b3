import { createServer, type Server, type Socket } from 'node:net';
import type { DbStatus } from '../../../libs/insupc-protocol/src';
import { InstanceStats } from './instance-stats';
import type { ApiCatalog } from './query-answer';
import type { Scenario } from './scenario';
import type { InstanceConfig } from './simulator-config';
import { SimulatorConnection, type ConnectionContext } from './simulator-connection';
import type { SimulatorLogger } from './simulator-logger';

/** Simulator-wide settings every instance reads at use time (changed by the control API). */
export interface SharedSettings {
  activeScenario: string;
  responseDelayMs: number;
  readonly scenarios: Record<string, Scenario>;
  readonly apis: ApiCatalog;
  readonly maxFrameBytes: number;
  readonly log: SimulatorLogger;
}

/** One simulated INSUPC server: a TCP listener with its own DB_STATUS and counters. */
export class InsupcInstance implements ConnectionContext {
  readonly name: string;
  readonly host: string;
  readonly stats = new InstanceStats();
  dbStatus: DbStatus;
  /** per-instance scenario; undefined = the simulator's active scenario. */
  scenarioOverride: string | undefined;
  private boundPort: number;
  private server: Server | undefined;
  private readonly connections = new Set<SimulatorConnection>();
  private transactionId = 0;

  constructor(
    config: InstanceConfig,
    private readonly shared: SharedSettings,
  ) {
    this.name = config.name;
    this.host = config.host;
    this.boundPort = config.port;
    this.dbStatus = config.dbStatus;
    this.scenarioOverride = config.scenario;
  }

  get apis(): ApiCatalog {
    return this.shared.apis;
  }

  get maxFrameBytes(): number {
    return this.shared.maxFrameBytes;
  }

  get log(): SimulatorLogger {
    return this.shared.log;
  }

  /** The listening port (after the first start, also while stopped: a restart reuses it). */
  get port(): number {
    return this.boundPort;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  get loggedOnCount(): number {
    let n = 0;
    for (const c of this.connections) if (c.isLoggedOn) n++;
    return n;
  }

  get scenarioName(): string {
    return this.scenarioOverride ?? this.shared.activeScenario;
  }

  scenario(): Scenario {
    return this.shared.scenarios[this.scenarioName];
  }

  queryDelayMs(): number {
    return this.shared.responseDelayMs + this.scenario().delayMs;
  }

  nextTransactionId(): number {
    this.transactionId = (this.transactionId + 1) >>> 0;
    return this.transactionId;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.log.error(`${this.name}: listener error: ${err.message}`));
    const address = server.address();
    if (address && typeof address === 'object') this.boundPort = address.port;
    this.server = server;
    this.log.log(
      `${this.name} listening on ${this.host}:${this.boundPort} (dbStatus ${this.dbStatus})`,
    );
  }

  /** Closes the listener and every connection (the "server killed" case). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    this.disconnectClients();
    await closed;
    this.log.log(`${this.name} stopped`);
  }

  disconnectClients(): number {
    const n = this.connections.size;
    for (const c of this.connections) c.close();
    this.connections.clear();
    return n;
  }

  /** DB_STATUS_REQUEST with the current status to every logged-on connection. */
  pushStatus(): number {
    let n = 0;
    for (const c of this.connections) if (c.pushStatus()) n++;
    return n;
  }

  private accept(socket: Socket): void {
    const connection = new SimulatorConnection(socket, this);
    this.connections.add(connection);
    this.stats.connectionsAccepted++;
    this.log.debug(`${this.name}: connection from ${connection.remote}`);
    socket.once('close', () => {
      this.connections.delete(connection);
      this.log.debug(`${this.name}: connection from ${connection.remote} closed`);
    });
  }
}
