import { Logger } from '@nestjs/common';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeScheduler } from '../common/testing/fake-scheduler';
import { validateConfig } from '../config/config.loader';
import { FileStore } from '../common/io/file-store';
import { SnapshotPoster } from './snapshot-poster';
import { StatisticsReporter } from './statistics-reporter.service';
import { SipsvcCounters } from '../sipsvc/sipsvc.counters';
import { counterSetsOf } from './counter-sets';
import { StatisticsService } from './statistics.service';

/** A file store that keeps the last text written, in memory. */
class MemoryFileStore extends FileStore {
  content: string | undefined;
  override read(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }
  override writeAtomic(_path: string, text: string): Promise<void> {
    this.content = text;
    return Promise.resolve();
  }
}

const configWith = (stateServer: Record<string, unknown>) =>
  validateConfig({
    application: { stateServer: { statFile: '/stats/x.json', interval: 60000, ...stateServer } },
    insupc: { clients: [{ name: 'A', host: 'h', port: 1 }] },
  });

function reporter(files: FileStore, stateServer: Record<string, unknown> = {}) {
  const counters = new SipsvcCounters();
  const stats = new StatisticsService(counterSetsOf(counters));
  const scheduler = new FakeScheduler();
  const config = configWith(stateServer);
  const r = new StatisticsReporter(
    config.application,
    stats,
    files,
    new SnapshotPoster(),
    scheduler,
  );
  return { r, counters, scheduler, config };
}

/** The counter the tests set, as written to the stat file. */
const acceptedIn = (text: string | undefined): unknown =>
  (JSON.parse(text ?? '{}') as { server?: { connectionsAccepted?: number } }).server
    ?.connectionsAccepted;

describe('StatisticsReporter', () => {
  afterEach(() => jest.restoreAllMocks());

  describe('stat-file writes are serialised', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'insupclient-stats-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    /** a reporter on the real FileStore, writing a stat file in a temp directory */
    const onDisk = () => {
      const file = join(dir, 'stats.json');
      return { file, ...reporter(new FileStore(), { statFile: file }) };
    };

    it('a periodic snapshot still being written never overwrites /stat/init', async () => {
      const { r, counters, file } = onDisk();
      counters.connectionsAccepted = 42;
      await Promise.all([r.tick(), r.reset()]);
      expect(acceptedIn(readFileSync(file, 'utf8'))).toBe(0);
    });

    it('/stat/init keeps the counters as they were in <stat-file>.prev, with the time of the reset', async () => {
      const { r, counters, file } = onDisk();
      counters.connectionsAccepted = 7;
      const before = Date.now();
      await r.reset();
      const prev = JSON.parse(readFileSync(`${file}.prev`, 'utf8')) as {
        savedAt: string;
        snapshot: { server: { connectionsAccepted: number } };
      };
      expect(prev.snapshot.server.connectionsAccepted).toBe(7);
      expect(Date.parse(prev.savedAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(acceptedIn(readFileSync(file, 'utf8'))).toBe(0);
      // a second reset replaces the backup with the period since the first
      counters.connectionsAccepted = 3;
      await r.reset();
      expect(
        acceptedIn(JSON.stringify(JSON.parse(readFileSync(`${file}.prev`, 'utf8')).snapshot)),
      ).toBe(3);
    });

    it('the final snapshot is the one left on disk', async () => {
      const { r, counters, file } = onDisk();
      counters.connectionsAccepted = 1;
      const tick = r.tick();
      counters.connectionsAccepted = 2;
      await Promise.all([tick, r.writeFinalSnapshot()]);
      expect(acceptedIn(readFileSync(file, 'utf8'))).toBe(2);
    });

    it('a failed write does not stop the ones after it', async () => {
      const files = new MemoryFileStore();
      let fail = true;
      jest.spyOn(files, 'writeAtomic').mockImplementation(async (_p, text) => {
        if (fail) {
          fail = false;
          throw new Error('disk full');
        }
        files.content = text;
      });
      const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const { r } = reporter(files);
      await Promise.all([r.tick(), r.reset()]);
      expect(error).toHaveBeenCalledWith(expect.stringContaining('disk full'));
      expect(acceptedIn(files.content)).toBe(0);
    });
  });

  describe('periodic snapshots', () => {
    it('are a named job every state-server.interval, stopped on shutdown', async () => {
      const files = new MemoryFileStore();
      const { r, counters, scheduler } = reporter(files, { interval: 60000 });
      r.onApplicationBootstrap();
      expect(scheduler.periodOf('statistics-snapshot')).toBe(60000);
      counters.connectionsAccepted = 7;
      scheduler.advance(59999);
      expect(files.content).toBeUndefined();
      scheduler.advance(1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(acceptedIn(files.content)).toBe(7);
      await r.onModuleDestroy();
      expect(scheduler.jobNames()).toEqual([]);
    });
  });

  describe('snapshot POST', () => {
    it('logs why a POST failed (ECONNREFUSED), and the report goes on', async () => {
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const { port } = closed.address() as { port: number };
      await new Promise((r) => closed.close(r));

      const files = new MemoryFileStore();
      jest.spyOn(files, 'writeAtomic').mockResolvedValue();
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const url = `http://127.0.0.1:${port}/stats`;
      const { r } = reporter(files, { url });

      await expect(r.tick()).resolves.toBeUndefined();
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(
          new RegExp(`^Statistics snapshot POST to ${url} failed: fetch failed: .*ECONNREFUSED`),
        ),
      );
      expect(files.writeAtomic).toHaveBeenCalledTimes(1);
    });
  });
});
