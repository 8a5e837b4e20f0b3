import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  INSUPC_STATE,
  InsupcStateView,
  SESSION_STATE,
  SessionStateView,
  SIPSVC_STATE,
  SipsvcStateView,
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
    @Optional() @Inject(SIPSVC_STATE) private readonly sipsvc?: SipsvcStateView,
    @Optional() @Inject(INSUPC_STATE) private readonly insupc?: InsupcStateView,
    @Optional() @Inject(SESSION_STATE) private readonly sessions?: SessionStateView,
  ) {}

  /**
   * `server*` is the SIPSVC side (the gateway serves SIPSVC), `client*` the INSUPC side (it
   * is INSUPC's client): what SIPSVC sent that awaits processing vs. what awaits INSUPC.
   */
  status(): StatusDto {
    const mappings = this.sessions?.messageMappingSize() ?? 0;
    const towardsInsupc =
      (this.sessions?.workerQueueSize() ?? 0) + (this.sessions?.insupcRecvQueueSize?.() ?? 0);
    return {
      name: this.config.application.name,
      version: this.config.application.version,
      state: this.service.state,
      startTime: localDateTime(this.startedAt),
      serverSessionCount: mappings,
      serverQueueSize: this.sipsvc?.recvQueueSize() ?? 0,
      clientSessionCount: this.insupc?.pendingRequests() ?? 0,
      clientQueueSize: towardsInsupc,
      messageMappingSize: mappings,
    };
  }

  state() {
    return {
      timestamp: new Date().toISOString(),
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
