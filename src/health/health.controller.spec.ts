import { ServiceUnavailableException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import { validateConfig } from '../config/config.loader';
import { AppConfigModule } from '../config/app-config.module';
import {
  INSUPC_STATE,
  SEGW_STATE,
  SegwStateSource,
  SIPSVC_STATE,
} from '../contracts/state-sources';
import { insupcView, sipsvcView } from '../contracts/testing/state-views';
import { HealthController } from './health.controller';
import {
  InsupcRoutableIndicator,
  SegwIndicator,
  SipsvcListenerIndicator,
} from './readiness.indicators';

const config = validateConfig({ insupc: { clients: [{ name: 'A', host: 'h', port: 1 }] } });
config.segw.enabled = true;

async function controller(routable: number, segw: SegwStateSource | undefined) {
  const sipsvc = sipsvcView({ isListening: () => true, port: () => 15021 });
  const insupc = insupcView({ routableServerCount: () => routable });
  const ref = await Test.createTestingModule({
    imports: [TerminusModule.forRoot({ logger: false }), AppConfigModule.forRoot(config)],
    controllers: [HealthController],
    providers: [
      SipsvcListenerIndicator,
      InsupcRoutableIndicator,
      SegwIndicator,
      { provide: SIPSVC_STATE, useValue: sipsvc },
      { provide: INSUPC_STATE, useValue: insupc },
      ...(segw ? [{ provide: SEGW_STATE, useValue: segw }] : []),
    ],
  }).compile();
  return ref.get(HealthController);
}

const segwIn = (state: string, vici = 'connected'): SegwStateSource => ({
  readiness: () => ({
    ready: state === 'UP' && vici === 'connected',
    detail: { vici, connections: { 'insupc-tunnel': state } },
  }),
});

describe('/health/ready follows the INSUPC servers only (operations spec §3, §5)', () => {
  it.each([
    ['CONNECTING', 'connected'],
    ['FAILED', 'connected'],
    ['DOWN', 'disconnected'],
  ])(
    'ready with a routable INSUPC server while the SEGW connection is %s (VICI %s)',
    async (state, vici) => {
      const health = await controller(1, segwIn(state, vici));
      const result = await health.ready();
      expect(result.status).toBe('ok');
      expect(result.details.segw).toEqual({
        status: 'up',
        allUp: false,
        vici,
        connections: { 'insupc-tunnel': state },
      });
    },
  );

  it('SEGW all UP is shown as allUp: true', async () => {
    const result = await (await controller(1, segwIn('UP'))).ready();
    expect(result.details.segw).toMatchObject({ status: 'up', allUp: true });
  });

  it('not ready when no INSUPC server is routable, whatever SEGW says', async () => {
    const health = await controller(0, segwIn('UP'));
    const err = await health.ready().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableException);
    const body = (err as ServiceUnavailableException).getResponse() as {
      details: Record<string, { status: string }>;
    };
    expect(body.details.insupc.status).toBe('down');
    expect(body.details.segw).toMatchObject({ status: 'up', allUp: true });
  });
});
