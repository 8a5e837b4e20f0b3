import { Logger } from '@nestjs/common';
import { createServer } from 'node:net';
import { validateConfig } from '../config/config.loader';
import { FileStore } from '../oam/atomic-file';
import { SnapshotPoster } from './snapshot-poster';
import { StatisticsReporter } from './statistics-reporter.service';
import { StatisticsService } from './statistics.service';

interface PendingWrite {
  text: string;
  finish(): void;
}

/** A file store whose writes finish only when the test says so, in any order. */
class ControlledFileStore extends FileStore {
  content: string | undefined;
  readonly pending: PendingWrite[] = [];

  override read(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  override writeAtomic(_path: string, text: string): Promise<void> {
    return new Promise((resolve) => {
      this.pending.push({
        text,
        finish: () => {
          this.content = text;
          resolve();
        },
      });
    });
  }

  /** Finishes every write issued so far, the newest first (the order a slow disk may pick). */
  async finishNewestFirst(): Promise<void> {
    for (let round = 0; round < 20; round++) {
      await new Promise((r) => setImmediate(r));
      if (!this.pending.length) return;
      for (const w of this.pending.splice(0).reverse()) w.finish();
    }
  }
}

const configWith = (stateServer: Record<string, unknown>) =>
  validateConfig({
    application: { stateServer: { statFile: '/stats/x.json', interval: 60000, ...stateServer } },
    insupc: { clients: [{ name: 'A', host: 'h', port: 1 }] },
  });

function reporter(files: FileStore, stateServer: Record<string, unknown> = {}) {
  const stats = new StatisticsService();
  const r = new StatisticsReporter(configWith(stateServer), stats, files, new SnapshotPoster());
  return { r, stats };
}

/** The counter the tests set, as written to the stat file. */
const acceptedIn = (text: string | undefined): unknown =>
  (JSON.parse(text ?? '{}') as { server?: { connectionsAccepted?: number } }).server
    ?.connectionsAccepted;

describe('StatisticsReporter', () => {
  afterEach(() => jest.restoreAllMocks());

  describe('stat-file writes are serialised', () => {
    it('a periodic snapshot still being written never overwrites /stat/init', async () => {
      const files = new ControlledFileStore();
      const { r, stats } = reporter(files);
      stats.sipsvc.connectionsAccepted = 42;
      const tick = r.tick();
      const reset = r.reset();
      await files.finishNewestFirst();
      await Promise.all([tick, reset]);
      expect(acceptedIn(files.content)).toBe(0);
    });

    it('the final snapshot is the one left on disk', async () => {
      const files = new ControlledFileStore();
      const { r, stats } = reporter(files);
      stats.sipsvc.connectionsAccepted = 1;
      const tick = r.tick();
      stats.sipsvc.connectionsAccepted = 2;
      const final = r.writeFinalSnapshot();
      await files.finishNewestFirst();
      await Promise.all([tick, final]);
      expect(acceptedIn(files.content)).toBe(2);
    });

    it('a failed write does not stop the ones after it', async () => {
      const files = new ControlledFileStore();
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

  describe('snapshot POST', () => {
    it('logs why a POST failed (ECONNREFUSED), and the report goes on', async () => {
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const { port } = closed.address() as { port: number };
      await new Promise((r) => closed.close(r));

      const files = new ControlledFileStore();
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
