import { Logger } from '@nestjs/common';
import {
  InsupcStateSource,
  SessionStateSource,
  SipsvcStateSource,
} from '../contracts/state-sources';
import { validateConfig } from '../config/config.loader';
import { StatisticsReporter } from '../statistics/statistics-reporter.service';
import { GracefulShutdown } from './graceful-shutdown.service';

function setup(drainTimeout: number, drained: Promise<void>, inFlight = 1) {
  const steps: string[] = [];
  const config = validateConfig({
    insupc: { clients: [{ name: 'A', host: '127.0.0.1', port: 1 }] },
    application: { shutdown: { drainTimeout } },
  });
  const reporter = {
    writeFinalSnapshot: async () => void steps.push('stats'),
  } as unknown as StatisticsReporter;
  const sipsvc = {
    stopAccepting: async () => void steps.push('stopAccepting'),
  } as unknown as SipsvcStateSource;
  const sessions = {
    refuseNew: () => void steps.push('refuseNew'),
    messageMappingSize: () => inFlight,
    drained: () => drained.then(() => void steps.push('drained')),
  } as unknown as SessionStateSource;
  const insupc = {
    release: async () => {
      steps.push('release');
      throw new Error('socket gone');
    },
  } as unknown as InsupcStateSource;
  return { steps, shutdown: new GracefulShutdown(config, reporter, sipsvc, sessions, insupc) };
}

describe('GracefulShutdown', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('runs the steps in order, waits for the drain, survives a failing step', async () => {
    let finish!: () => void;
    const { steps, shutdown } = setup(10_000, new Promise<void>((r) => (finish = r)));
    const done = shutdown.run('SIGTERM');
    await new Promise((r) => setImmediate(r));
    expect(steps).toEqual(['stopAccepting', 'refuseNew']);
    finish();
    await done;
    expect(steps).toEqual(['stopAccepting', 'refuseNew', 'drained', 'release', 'stats']);
  });

  it('gives up the drain after drain-timeout', async () => {
    const { steps, shutdown } = setup(20, new Promise<void>(() => undefined));
    await shutdown.run('SIGTERM');
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
    await new GracefulShutdown(config, reporter as unknown as StatisticsReporter).run('x');
    expect(reporter.writeFinalSnapshot).toHaveBeenCalled();
  });
});
