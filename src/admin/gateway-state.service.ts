import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  INSUPC_STATE,
  InsupcStateSource,
  SESSION_STATE,
  SessionStateSource,
  SIPSVC_STATE,
  SipsvcStateSource,
} from '../contracts/state-sources';
import { AppConfig } from '../config/config.schema';
import { ServiceStateService } from '../oam/service-state.service';
import { StatusDto } from './admin.dto';

const pad = (n: number) => String(n).padStart(2, '0');
/** `2025-11-03 07:48:45` (local time), the seed's format for startTime. */
const localDateTime = (d: Date) =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
  `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

/**
 * Assembles GET /insupclient/v1/status and GET /state from whichever feature modules are
 * present (each publishes a state source; a missing one reads as empty).
 */
@Injectable()
export class GatewayStateService {
  private readonly startedAt = new Date();

  constructor(
    private readonly config: AppConfig,
    private readonly service: ServiceStateService,
    @Optional() @Inject(SIPSVC_STATE) private readonly sipsvc?: SipsvcStateSource,
    @Optional() @Inject(INSUPC_STATE) private readonly insupc?: InsupcStateSource,
    @Optional() @Inject(SESSION_STATE) private readonly sessions?: SessionStateSource,
  ) {}

  /**
   * The original's meanings (seed UT_02_005, operations spec §3): `server*` are the worker
   * pool (busy workers, worker queue) and `client*` the same two figures again; the SIPSVC
   * and INSUPC sides are in added fields.
   */
  status(): StatusDto {
    const busyWorkers = this.sessions?.busyWorkers() ?? 0;
    const workerQueue = this.sessions?.workerQueueSize() ?? 0;
    return {
      name: this.config.application.name,
      version: this.config.application.version,
      state: this.service.state,
      startTime: localDateTime(this.startedAt),
      serverSessionCount: busyWorkers,
      serverQueueSize: workerQueue,
      clientSessionCount: busyWorkers,
      clientQueueSize: workerQueue,
      messageMappingSize: this.sessions?.messageMappingSize() ?? 0,
      sipsvcRecvQueueSize: this.sipsvc?.recvQueueSize() ?? 0,
      insupcRecvQueueSize: this.sessions?.insupcRecvQueueSize?.() ?? 0,
      insupcPendingRequests: this.insupc?.pendingRequests() ?? 0,
    };
  }

  /** GET /state (and its aliases): the original's field types, times in epoch ms. */
  state() {
    return {
      timestamp: Date.now(),
      state: this.service.state,
      messageMappingSize: this.sessions?.messageMappingSize() ?? 0,
      sessionStats: this.sessions?.describeSessions() ?? { currentSessions: 0 },
      sipsvcConnections: this.sipsvc?.describeConnections() ?? {
        total: 0,
        authenticated: 0,
        connections: [],
      },
      insupcConnections: this.insupc?.describeServers() ?? [],
    };
  }
}
