import { register } from 'prom-client';
import { insupcView, segwView, sessionView, sipsvcView } from '../contracts/testing/state-views';
import { AppConfig } from '../config/config.schema';
import { ServiceStateService } from '../oam/service-state.service';
import { OperatorGauges } from './operator-gauges';

const config = {
  message: { maxSessions: 100 },
  sipsvc: { recvQueue: { capacity: 50 } },
  worker: { queueCapacity: 200 },
  insupc: { recvQueue: { capacity: 300 } },
} as unknown as AppConfig;

const sipsvc = sipsvcView({
  recvQueueSize: () => 4,
  connectionCounts: () => ({ authenticated: 2, pending: 1 }),
});

const sessions = sessionView({
  messageMappingSize: () => 7,
  workerQueueSize: () => 3,
  insupcRecvQueueSize: () => 1,
  loadLevel: () => 2,
  retries: () => 4,
});

// INSUPC-1 in DA: routable, but not `isAvailable` (the original's meaning: MA only)
const server = (name: string, dbStatus: string, routable: boolean, drained = false) => ({
  name,
  host: '127.0.0.1',
  port: 19000,
  dbStatus,
  lastStatusUpdate: 0,
  availableConnections: 1,
  activeRequests: 0,
  totalConnections: 1,
  routable,
  isAvailable: false,
  ejected: false,
  ejectedUntil: 0,
  consecutiveFailures: 0,
  inFlight: 0,
  drained,
});

const insupc = insupcView({
  describeServers: () => [server('INSUPC-1', 'DA', true), server('INSUPC-2', 'MB', false, true)],
  routableServerCount: () => 1,
  ejections: () => [
    { server: 'INSUPC-1', ejected: false, ejections: 0 },
    { server: 'INSUPC-2', ejected: true, ejections: 3 },
  ],
});

const segw = segwView({
  connectionStates: () => [{ name: 'segw-a', state: 'FAILED' }],
});

async function scrape(name: string): Promise<string> {
  return register.getSingleMetricAsString(name);
}

describe('OperatorGauges (operations spec §6.2)', () => {
  let gauges: OperatorGauges;
  const state = new ServiceStateService();

  afterEach(() => gauges.onModuleDestroy());

  it('reads every gauge from the state sources at scrape time', async () => {
    gauges = new OperatorGauges(
      config.sipsvc,
      config.worker,
      config.insupc,
      config.message,
      state,
      sipsvc,
      sessions,
      insupc,
      segw,
    );
    state.set('BLOCKED');
    expect(await scrape('insupclient_service_blocked')).toContain('insupclient_service_blocked 1');
    state.set('RUNNING');
    expect(await scrape('insupclient_service_blocked')).toContain('insupclient_service_blocked 0');
    expect(await scrape('insupclient_load_level')).toContain('insupclient_load_level 2');
    expect(await scrape('insupclient_sessions_open')).toContain('insupclient_sessions_open 7');
    expect(await scrape('insupclient_sessions_max')).toContain('insupclient_sessions_max 100');
    const depth = await scrape('insupclient_queue_depth');
    expect(depth).toContain('insupclient_queue_depth{queue="sipsvc_recv"} 4');
    expect(depth).toContain('insupclient_queue_depth{queue="worker"} 3');
    expect(depth).toContain('insupclient_queue_depth{queue="insupc_recv"} 1');
    const capacity = await scrape('insupclient_queue_capacity');
    expect(capacity).toContain('insupclient_queue_capacity{queue="sipsvc_recv"} 50');
    expect(capacity).toContain('insupclient_queue_capacity{queue="worker"} 200');
    expect(capacity).toContain('insupclient_queue_capacity{queue="insupc_recv"} 300');
    const conns = await scrape('insupclient_sipsvc_connections');
    expect(conns).toContain('insupclient_sipsvc_connections{state="authenticated"} 2');
    expect(conns).toContain('insupclient_sipsvc_connections{state="pending"} 1');
    const routable = await scrape('insupclient_insupc_server_routable');
    expect(routable).toContain('insupclient_insupc_server_routable{server="INSUPC-1"} 1');
    expect(routable).toContain('insupclient_insupc_server_routable{server="INSUPC-2"} 0');
    const drained = await scrape('insupclient_insupc_server_drained');
    expect(drained).toContain('insupclient_insupc_server_drained{server="INSUPC-1"} 0');
    expect(drained).toContain('insupclient_insupc_server_drained{server="INSUPC-2"} 1');
    expect(await scrape('insupclient_insupc_routable_servers')).toContain(
      'insupclient_insupc_routable_servers 1',
    );
    const ejected = await scrape('insupclient_insupc_server_ejected');
    expect(ejected).toContain('insupclient_insupc_server_ejected{server="INSUPC-1"} 0');
    expect(ejected).toContain('insupclient_insupc_server_ejected{server="INSUPC-2"} 1');
    expect(await scrape('insupclient_insupc_ejections_total')).toContain(
      'insupclient_insupc_ejections_total{server="INSUPC-2"} 3',
    );
    expect(await scrape('insupclient_execute_retries_total')).toContain(
      'insupclient_execute_retries_total 4',
    );
    const segwState = await scrape('insupclient_segw_connection_state');
    expect(segwState).toContain(
      'insupclient_segw_connection_state{connection="segw-a",state="FAILED"} 1',
    );
    expect(segwState).toContain(
      'insupclient_segw_connection_state{connection="segw-a",state="UP"} 0',
    );
  });

  it('unregisters its gauges on destroy', () => {
    gauges = new OperatorGauges(config.sipsvc, config.worker, config.insupc, config.message, state);
    gauges.onModuleDestroy();
    expect(register.getSingleMetric('insupclient_load_level')).toBeUndefined();
  });
});
