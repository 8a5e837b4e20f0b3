import { Logger } from '@nestjs/common';
import { FakeScheduler } from '../common/testing/fake-scheduler';
import {
  InsupcShutdownPort,
  SessionShutdownPort,
  SipsvcShutdownPort,
} from '../contracts/state-sources';
import { validateConfig } from '../config/config.loader';
import { FinalSnapshotWriter, GracefulShutdown } from './graceful-shutdown.service';

const settle = () => new Promise<void>((r) => setImmediate(r));

function setup(drainTimeout: number, drained: Promise<void>, inFlight = 1) {
  const steps: string[] = [];
  const config = validateConfig({
    insupc: { clients: [{ name: 'A', host: '127.0.0.1', port: 1 }] },
    application: { shutdown: { drainTimeout } },
  });
  const scheduler = new FakeScheduler();
  const reporter: FinalSnapshotWriter = {
    writeFinalSnapshot: async () => void steps.push('stats'),
  };
  const sipsvc: SipsvcShutdownPort = {
    stopAccepting: async () => void steps.push('stopAccepting'),
  };
  const sessions: SessionShutdownPort = {
    refuseNew: () => void steps.push('refuseNew'),
    messageMappingSize: () => inFlight,
    drained: () => drained.then(() => void steps.push('drained')),
  };
  const insupc: InsupcShutdownPort = {
    release: async () => {
      steps.push('release');
      throw new Error('socket gone');
    },
  };
  const shutdown = new GracefulShutdown(
    config.application,
    reporter,
    scheduler,
    sipsvc,
    sessions,
    insupc,
  );
  return { steps, scheduler, shutdown };
}

describe('GracefulShutdown', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('runs the steps in order, waits for the drain, survives a failing step', async () => {
    let finish!: () => void;
    const { steps, scheduler, shutdown } = setup(10_000, new Promise<void>((r) => (finish = r)));
    const done = shutdown.run('SIGTERM');
    await settle();
    expect(steps).toEqual(['stopAccepting', 'refuseNew']);
    expect(scheduler.pending()).toBe(1); // the drain timer
    finish();
    await done;
    expect(steps).toEqual(['stopAccepting', 'refuseNew', 'drained', 'release', 'stats']);
    expect(scheduler.pending()).toBe(0); // cancelled once drained
  });

  it('gives up the drain after drain-timeout, on the scheduler', async () => {
    const { steps, scheduler, shutdown } = setup(5_000, new Promise<void>(() => undefined));
    const done = shutdown.run('SIGTERM');
    await settle();
    scheduler.advance(4_999);
    await settle();
    expect(steps).toEqual(['stopAccepting', 'refuseNew']);
    scheduler.advance(1);
    await done;
    expect(steps).toEqual(['stopAccepting', 'refuseNew', 'release', 'stats']);
  });

  it('runs once however often it is asked', async () => {
    const { steps, shutdown } = setup(10, Promise.resolve(), 0);
    await Promise.all([shutdown.run('a'), shutdown.run('b')]);
    expect(steps.filter((s) => s === 'stats')).toHaveLength(1);
  });

  it('works with no feature modules present', async () => {
    const config = validateConfig({ insupc: { clients: [{ name: 'A', host: 'h', port: 1 }] } });
    const reporter = { writeFinalSnapshot: jest.fn(async () => undefined) };
    await new GracefulShutdown(config.application, reporter, new FakeScheduler()).run('x');
    expect(reporter.writeFinalSnapshot).toHaveBeenCalled();
  });
});
