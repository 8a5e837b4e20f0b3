import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileExecuteLogSink } from '../execute/execute-log.writer';
import { LogFiles } from './log-files';

describe('LogFiles (reopen for logrotate)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'log-files-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lines before the reopen stay in the renamed file, later ones go to a new file, none twice', async () => {
    const path = join(dir, 'execute.log');
    const sink = new FileExecuteLogSink(path);
    await sink.open();
    const files = new LogFiles();
    files.register(sink);
    for (let i = 0; i < 500; i++) sink.write(`line ${i}\n`);
    await rename(path, `${path}.1`);
    const reopened = files.reopenAll('test');
    for (let i = 500; i < 1000; i++) sink.write(`line ${i}\n`);
    await reopened;
    for (let i = 1000; i < 1500; i++) sink.write(`line ${i}\n`);
    await sink.close();
    const old = (await readFile(`${path}.1`, 'utf8')).trimEnd().split('\n');
    const now = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(old.slice(0, 500)).toEqual(Array.from({ length: 500 }, (_, i) => `line ${i}`));
    expect(now[now.length - 1]).toBe('line 1499');
    const all = [...old, ...now];
    expect(all).toHaveLength(1500);
    expect(new Set(all).size).toBe(1500);
  });

  it('a file that cannot be reopened is reported, the others still are', async () => {
    const files = new LogFiles();
    const good = { path: 'good', reopen: jest.fn() };
    files.register({
      path: 'bad',
      reopen: () => Promise.reject(new Error('EACCES')),
    });
    files.register(good);
    await expect(files.reopenAll()).resolves.toBeUndefined();
    expect(good.reopen).toHaveBeenCalledTimes(1);
  });

  it('listens for SIGHUP from bootstrap until shutdown', async () => {
    const files = new LogFiles();
    const file = { path: 'f', reopen: jest.fn() };
    files.register(file);
    const before = process.listenerCount('SIGHUP');
    files.onApplicationBootstrap();
    expect(process.listenerCount('SIGHUP')).toBe(before + 1);
    process.emit('SIGHUP', 'SIGHUP');
    expect(file.reopen).toHaveBeenCalledTimes(1);
    files.onApplicationShutdown();
    expect(process.listenerCount('SIGHUP')).toBe(before);
  });
});
