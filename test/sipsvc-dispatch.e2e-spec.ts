/**
 * The transport's dispatch to business handlers (@MessagePattern('execute')), with a stand-in
 * execute controller so this works before (and independently of) the execute pipeline.
 */
import { Controller, INestApplication, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { of } from 'rxjs';
import { AppConfigModule } from '../src/config/app-config.module';
import { AppConfig } from '../src/config/config.schema';
import { OamModule } from '../src/oam/oam.module';
import {
  SipsvcConnectionContext,
  SipsvcReply,
  SipsvcRequest,
} from '../src/contracts/sipsvc-message';
import { SipsvcModule } from '../src/sipsvc/sipsvc.module';
import { SipsvcServer } from '../src/sipsvc/sipsvc.server';
import { StatisticsModule } from '../src/statistics/statistics.module';
import { SipsvcCounters } from '../src/sipsvc/sipsvc.counters';
import { connectSipsvc } from './support/sipsvc-test-client';
import { waitFor } from './support/wait-for';
import { testConfig } from './support/test-config';

/** replies held back until the test releases them. */
const held: Array<() => void> = [];
/** connection ids, once per close subscriber called (a held request subscribes twice). */
const closedIds: number[] = [];

@Controller()
class StandInExecuteController {
  @MessagePattern('execute')
  execute(@Payload() req: SipsvcRequest, @Ctx() ctx: SipsvcConnectionContext): unknown {
    const body = req.reqBody as { apiName: string; inputParams: string[] };
    const reply: SipsvcReply = {
      result: 0,
      resultCode: 0,
      resultDesc: 'Completed successfully',
      data: { api: body.apiName, conn: ctx.connectionId },
    };
    if (body.apiName === 'throw') throw new Error('boom');
    if (body.apiName === 'observable') return of(reply);
    if (body.apiName === 'hold') {
      ctx.onClose(() => closedIds.push(ctx.connectionId));
      ctx.onClose(() => closedIds.push(ctx.connectionId));
      return new Promise((resolve) => held.push(() => resolve(reply)));
    }
    return reply;
  }
}

async function start(
  config: AppConfig,
  withHandler: boolean,
): Promise<{ app: INestApplication; port: number }> {
  @Module({
    imports: [AppConfigModule.forRoot(config), StatisticsModule, OamModule, SipsvcModule],
    controllers: withHandler ? [StandInExecuteController] : [],
  })
  class TestModule {}
  const app = await NestFactory.create(TestModule, { logger: false });
  app.connectMicroservice({ strategy: app.get(SipsvcServer) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.init();
  return { app, port: app.get(SipsvcServer).port() };
}

describe('SIPSVC dispatch to business handlers (e2e)', () => {
  let app: INestApplication;
  let port: number;

  beforeAll(async () => {
    ({ app, port } = await start(
      testConfig({ sipsvc: { recvQueue: { capacity: 2, threadCount: 1 } } }),
      true,
    ));
  });
  afterAll(() => app?.close());

  it('dispatches execute (any case) to its handler and echoes cmd, reqNo and seq', async () => {
    const c = await connectSipsvc(port);
    await c.authOk();
    const res = await c.execute('mcidGetProfile', ['01012345678'], { cmd: 'Execute', seq: '042' });
    expect(res).toMatchObject({
      cmd: 'Execute',
      seq: '042',
      result: 0,
      data: { api: 'mcidGetProfile' },
    });
    expect(await c.execute('observable')).toMatchObject({ result: 0, data: { api: 'observable' } });
    expect(await c.execute('throw')).toMatchObject({
      result: 18,
      resultCode: 18,
      resultDesc: 'Internal error while handling cmd execute',
    });
    expect(await c.execute('fast', [], { token: 'not-mine' })).toMatchObject({
      result: 2,
      resultCode: 2,
      resultDesc: 'Invalid token',
    });
    await c.close();
  });

  it("UT_03_002: SipsvcRecvQueue full → 18 'Server overloaded' answered at once, one ERROR line a burst", async () => {
    const stats = app.get(SipsvcCounters);
    const before = stats.queueRejections;
    const errors = jest.spyOn(Logger.prototype, 'error');
    const c = await connectSipsvc(port);
    await c.authOk();
    const msgs = Array.from({ length: 10 }, () => JSON.stringify(c.executeMessage('fast')));
    // one write, so all 10 arrive in one read: 2 fit the queue, 8 are refused
    c.sendRaw(msgs.join(''));
    const results: unknown[] = [];
    for (let i = 0; i < 10; i++) {
      const answer = await c.next();
      // spec: resultCode always equals result on execute answers, the transport's own included
      expect(answer.resultCode).toBe(answer.result);
      results.push(answer.result);
    }
    expect(results.filter((r) => r === 18)).toHaveLength(8);
    expect(results.filter((r) => r === 0)).toHaveLength(2);
    expect(stats.queueRejections - before).toBe(8);
    // one ERROR line for the burst, not one per refused message
    const saturated = errors.mock.calls.filter((call) =>
      String(call[0]).includes('❌ SipsvcRecvQueue saturated - message dropped | ID: '),
    );
    errors.mockRestore();
    expect(saturated).toHaveLength(1);
    await c.close();
  });

  it('tells every close subscriber of the connection context and drops replies for a closed connection', async () => {
    const c = await connectSipsvc(port);
    await c.authOk();
    c.send(c.executeMessage('hold'));
    await waitFor(() => held.length === 1);
    c.destroy();
    await waitFor(() => closedIds.length === 2);
    expect(new Set(closedIds).size).toBe(1);
    held.splice(0).forEach((release) => release());
    // the gateway is still healthy after the dropped reply
    const d = await connectSipsvc(port);
    await d.authOk();
    expect(await d.execute('fast')).toMatchObject({ result: 0 });
    await d.close();
  });
});

describe('SIPSVC without an execute handler (e2e)', () => {
  it('answers execute with a clear error instead of silence', async () => {
    const { app, port } = await start(testConfig(), false);
    try {
      const c = await connectSipsvc(port);
      await c.authOk();
      expect(await c.execute('mcidGetProfile')).toMatchObject({
        result: 18,
        resultDesc: 'Service unavailable - no handler registered for cmd execute',
      });
      await c.close();
    } finally {
      await app.close();
    }
  });
});
