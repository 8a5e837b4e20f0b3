import { register } from 'prom-client';
import {
  InsupcStateSource,
  SegwStateSource,
  SessionStateSource,
  SipsvcStateSource,
} from '../contracts/state-sources';
import { AppConfig } from '../config/config.schema';
import { ServiceStateService } from '../oam/service-state.service';
import { OperatorGauges } from './operator-gauges';

const config = {
  message: { maxSessions: 100 },
  sipsvc: { recvQueue: { capacity: 50 } },
  worker: { queueCapacity: 200 },
  insupc: { recvQueue: { capacity: 300 } },
} as unknown as AppConfig;

const sipsvc = {
  recvQueueSize: () => 4,
  connectionCounts: () => ({ authenticated: 2, pending: 1 }),
} as Partial<SipsvcStateSource> as SipsvcStateSource;

const sessions = {
  messageMappingSize: () => 7,
  workerQueueSize: () => 3,
  insupcRecvQueueSize: () => 1,
  loadLevel: () => 2,
} as Partial<SessionStateSource> as SessionStateSource;

const insupc = {
  describeServers: () => [
    { name: 'INSUPC-1', isAvailable: true, drained: false },
    { name: 'INSUPC-2', isAvailable: false, drained: true },
  ],
  routableServerCount: () => 1,
} as Partial<InsupcStateSource> as InsupcStateSource;

const segw = {
  connectionStates: () => [{ name: 'segw-a', state: 'FAILED' }],
} as Partial<SegwStateSource> as SegwStateSource;

async function scrape(name: string): Promise<string> {
  return register.getSingleMetricAsString(name);
}

describe('OperatorGauges (operations spec §6.2)', () => {
  let gauges: OperatorGauges;
  const state = new ServiceStateService();

  afterEach(() => gauges.onModuleDestroy());

  it('reads every gauge from the state sources at scrape time', async () => {
    gauges = new OperatorGauges(config, state, sipsvc, sessions, insupc, segw);
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
    const segwState = await scrape('insupclient_segw_connection_state');
    expect(segwState).toContain(
      'insupclient_segw_connection_state{connection="segw-a",state="FAILED"} 1',
    );
    expect(segwState).toContain(
      'insupclient_segw_connection_state{connection="segw-a",state="UP"} 0',
    );
  });

  it('unregisters its gauges on destroy', () => {
    gauges = new OperatorGauges(config, state);
    gauges.onModuleDestroy();
    expect(register.getSingleMetric('insupclient_load_level')).toBeUndefined();
  });
});
