import { Module } from '@nestjs/common';
import { SchedulerModule } from '../common/scheduler.module';
import { INSUPC_STATE } from '../contracts/state-sources';
import { INSUPC_QUERY } from '../contracts/insupc-query.port';
import { InsupcTransport } from './insupc-transport.service';
import { InsupcCounters } from './insupc.counters';
import { DrainedServersModule } from './drained-servers.module';
import { INSUPC_SOCKET_CONNECTOR, tcpConnector } from './socket-connector';

/**
 * The INSUPC transport: logged-on connection pools, heartbeats, reconnects and status
 * routing. Provides INSUPC_QUERY (the execute path) and INSUPC_STATE (operations).
 */
@Module({
  imports: [SchedulerModule, DrainedServersModule],
  providers: [
    InsupcCounters,
    InsupcTransport,
    { provide: INSUPC_SOCKET_CONNECTOR, useValue: tcpConnector },
    { provide: INSUPC_QUERY, useExisting: InsupcTransport },
    { provide: INSUPC_STATE, useExisting: InsupcTransport },
  ],
  exports: [INSUPC_QUERY, INSUPC_STATE, InsupcCounters, DrainedServersModule],
})
export class InsupcModule {}
