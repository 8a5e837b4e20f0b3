import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  INSUPC_STATE,
  InsupcStateView,
  SESSION_STATE,
  SessionStateView,
  SIPSVC_STATE,
  SipsvcConnectionState,
  SipsvcStateView,
} from '../contracts/state-sources';
import { ConfigType } from '@nestjs/config';
import { applicationConfig } from '../config/config-namespaces';
import type { AppConfig } from '../config/config.schema';
import { ServiceStateService } from '../oam/service-state.service';
import { StatusDto } from './admin.dto';

const pad = (n: number) => String(n).padStart(2, '0');
/** `2025-11-03 07:48:45` (local time), the seed's format for startTime. */
const localDateTime = (d: Date) =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
  `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

/** `?limit=` default of GET /state: connections listed (operations spec §8.5). */
export const STATE_LIST_LIMIT = 1000;
/** GET /state's connection list is built at most once per this, however many callers (§8.5). */
export const STATE_MAX_AGE_MS = 1000;
/** distinct `?limit=` values kept at once within one STATE_MAX_AGE_MS. */
const STATE_CACHE_ENTRIES = 8;

/** stands for the connection list in the document until the cached list's JSON replaces it. */
const CONNECTIONS_PLACEHOLDER = '@@sipsvc-connections@@';
const PLACEHOLDER_JSON = JSON.stringify(CONNECTIONS_PLACEHOLDER);

interface BuiltList {
  builtAt: number;
  json: string;
}

/**
 * Assembles GET /insupclient/v1/status and GET /state from whichever feature modules are
 * present (each publishes a state source; a missing one reads as empty).
 */
@Injectable()
export class GatewayStateService {
  private readonly startedAt = new Date();
  /** GET /state's connection lists as sent, by `limit`, each at most STATE_MAX_AGE_MS old. */
  private readonly builtLists = new Map<number, BuiltList>();
  /** monotonic ms; a seam for the unit spec. */
  now: () => number = () => performance.now();

  /** ConfigModule's live sections: a reload assigns hot keys inside them. */
  private readonly config: Pick<AppConfig, 'application'>;

  constructor(
    @Inject(applicationConfig.KEY) application: ConfigType<typeof applicationConfig>,
    private readonly service: ServiceStateService,
    @Optional() @Inject(SIPSVC_STATE) private readonly sipsvc?: SipsvcStateView,
    @Optional() @Inject(INSUPC_STATE) private readonly insupc?: InsupcStateView,
    @Optional() @Inject(SESSION_STATE) private readonly sessions?: SessionStateView,
  ) {
    this.config = { application };
  }

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

  /**
   * GET /state as JSON text. The SIPSVC connection list (at most `limit` entries) is built
   * and serialised at most once per second per `limit`, shared by every caller: with 10,000
   * connections it was 2 MB and tens of ms of event loop per call. Everything else, counts
   * included, is read at each call, so it is exact; the list may be up to a second old.
   */
  stateJson(limit = STATE_LIST_LIMIT): string {
    const doc = this.state(0);
    const listed: unknown = CONNECTIONS_PLACEHOLDER;
    doc.sipsvcConnections.connections = listed as SipsvcConnectionState[];
    const list = this.connectionListJson(limit);
    // a function, so that `$&` and the like in the list are not replacement patterns
    return JSON.stringify(doc).replace(PLACEHOLDER_JSON, () => list);
  }

  private connectionListJson(limit: number): string {
    const now = this.now();
    const cached = this.builtLists.get(limit);
    if (cached && now - cached.builtAt < STATE_MAX_AGE_MS) return cached.json;
    for (const [key, entry] of this.builtLists) {
      if (now - entry.builtAt >= STATE_MAX_AGE_MS) this.builtLists.delete(key);
    }
    if (this.builtLists.size >= STATE_CACHE_ENTRIES) {
      this.builtLists.delete(this.builtLists.keys().next().value!);
    }
    const list = this.sipsvc?.describeConnections(limit).connections ?? [];
    const json = JSON.stringify(list);
    this.builtLists.set(limit, { builtAt: now, json });
    return json;
  }

  /** GET /state (and its aliases): the original's field types, times in epoch ms. */
  state(limit = STATE_LIST_LIMIT) {
    return {
      timestamp: Date.now(),
      state: this.service.state,
      messageMappingSize: this.sessions?.messageMappingSize() ?? 0,
      sessionStats: this.sessions?.describeSessions() ?? { currentSessions: 0 },
      sipsvcConnections: this.sipsvc?.describeConnections(limit) ?? {
        total: 0,
        authenticated: 0,
        connections: [],
      },
      insupcConnections: this.insupc?.describeServers() ?? [],
    };
  }
}
