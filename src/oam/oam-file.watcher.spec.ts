import { Logger } from '@nestjs/common';
import { FakeScheduler } from '../common/testing/fake-scheduler';
import { validateConfig } from '../config/config.loader';
import { FileStore } from '../common/io/file-store';
import { DrainedServers } from '../insupc/drained-servers';
import { OAM_WATCH_INTERVAL_MS, OAM_WATCH_JOB, OamFileWatcher } from './oam-file.watcher';
import { ServiceStateService } from './service-state.service';

class MemoryFiles extends FileStore {
  readonly files = new Map<string, string>();
  failure: Error | undefined;
  override async read(path: string) {
    if (this.failure) throw this.failure;
    return this.files.get(path);
  }
}

const OAM = '/var/lib/insupclient/oam/oam-conf.json';
const oamText = (state: string) =>
  JSON.stringify({ systemName: 'AMAS11', appStates: { sipsvc: 'RUNNING', insupclient: state } });

async function setup(initial: string | undefined = oamText('RUNNING')) {
  const files = new MemoryFiles();
  if (initial !== undefined) files.files.set(OAM, initial);
  const state = new ServiceStateService();
  const scheduler = new FakeScheduler();
  const config = validateConfig({
    insupc: {
      clients: [
        { name: 'INSUPC-1', host: '127.0.0.1', port: 19000 },
        { name: 'INSUPC-2', host: '127.0.0.1', port: 19001 },
      ],
    },
    oam: { config: { path: OAM } },
  });
  const oam = { writeBacks: { started: 0, pending: 0 } };
  const drained = new DrainedServers();
  const watcher = new OamFileWatcher(
    config.oam,
    config.insupc,
    state,
    files,
    scheduler,
    oam,
    drained,
  );
  await watcher.onApplicationBootstrap();
  /** one poll interval on fake time, then the async read it started */
  const tick = async () => {
    scheduler.advance(OAM_WATCH_INTERVAL_MS);
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { files, state, scheduler, watcher, tick, oam, drained };
}

describe('OamFileWatcher', () => {
  let info: jest.SpyInstance;
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;
  beforeEach(() => {
    info = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('polls through the Scheduler often enough to apply a change within 2 s', async () => {
    const { scheduler } = await setup();
    expect(scheduler.jobNames()).toEqual([OAM_WATCH_JOB]);
    expect(scheduler.periodOf(OAM_WATCH_JOB)).toBeLessThanOrEqual(1000);
  });

  it('applies a change made on disk at the next poll, logged exactly', async () => {
    const { files, state, tick } = await setup();
    await tick();
    expect(info).not.toHaveBeenCalled();

    files.files.set(OAM, oamText('BLOCKED'));
    await tick();
    expect(state.blocked).toBe(true);
    expect(info).toHaveBeenCalledWith('OAM state changed on disk: RUNNING -> BLOCKED');

    files.files.set(OAM, oamText('RUNNING'));
    await tick();
    expect(state.state).toBe('RUNNING');
    expect(info).toHaveBeenLastCalledWith('OAM state changed on disk: BLOCKED -> RUNNING');
  });

  it('a text read while the API changed the state is not applied over the newer state', async () => {
    const { files, state, watcher } = await setup();
    // the API sets BLOCKED while a poll's read of the old BLOCKED text is in flight:
    // the read started before the set, so its text (BLOCKED, later superseded) must not win
    files.files.set(OAM, oamText('BLOCKED'));
    const poll = watcher.check();
    state.set('RUNNING'); // an operator action that lands while the file still says BLOCKED
    await poll;
    expect(state.state).toBe('RUNNING');
    expect(info).not.toHaveBeenCalled();
    // the next poll with nothing changed in between applies what the disk says
    await watcher.check();
    expect(state.state).toBe('BLOCKED');
  });

  it('ignores the old text on disk while an operator change is being written back', async () => {
    const { files, state, watcher, oam } = await setup();
    // beforehand somebody wrote RUNNING text differing from the baseline; the API then set
    // BLOCKED in memory and its write-back has not landed yet
    files.files.set(OAM, `${oamText('RUNNING')}\n`);
    state.set('BLOCKED');
    oam.writeBacks.started++;
    oam.writeBacks.pending++;
    await watcher.check();
    expect(state.state).toBe('BLOCKED');
    // the write-back lands: the disk says BLOCKED, nothing to apply
    files.files.set(OAM, `${oamText('BLOCKED')}\n`);
    oam.writeBacks.pending--;
    await watcher.check();
    expect(state.state).toBe('BLOCKED');
    // a write-back that starts and lands while a read of older text is in flight
    files.files.set(OAM, oamText('RUNNING'));
    const poll = watcher.check();
    oam.writeBacks.started++;
    await poll;
    expect(state.state).toBe('BLOCKED');
    expect(info).not.toHaveBeenCalled();
  });

  it('changes nothing for a malformed file and logs it once, then applies the next good one', async () => {
    const { files, state, tick } = await setup();
    files.files.set(OAM, '{"appStates":{"insupclient":"PAUSED"}}');
    await tick();
    await tick();
    expect(state.state).toBe('RUNNING');
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0][0]).toContain(
      `OAM file ${OAM}: appStates.insupclient must be one of`,
    );
    expect(error.mock.calls[0][0]).toContain('service state RUNNING kept');

    files.files.set(OAM, '{not json');
    await tick();
    expect(state.state).toBe('RUNNING');
    expect(error.mock.calls[1][0]).toContain('not valid JSON');

    files.files.set(OAM, oamText('BLOCKED'));
    await tick();
    expect(state.blocked).toBe(true);
  });

  it('does not log or undo a state the API set (written back, or not writable)', async () => {
    const { files, state, tick } = await setup();
    // POST /state BLOCKED whose write-back failed (read-only ConfigMap): the file still says
    // RUNNING, unchanged, so the operator's state stays.
    state.set('BLOCKED');
    await tick();
    expect(state.blocked).toBe(true);
    // the same change written back by this or another replica: nothing new to apply
    files.files.set(OAM, oamText('BLOCKED'));
    await tick();
    expect(state.blocked).toBe(true);
    expect(info).not.toHaveBeenCalled();
  });

  it('keeps the state when the file disappears or cannot be read, warning once each', async () => {
    const { files, state, tick } = await setup(oamText('BLOCKED'));
    state.set('BLOCKED');
    files.files.delete(OAM);
    await tick();
    await tick();
    expect(state.blocked).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain('removed on disk');

    files.failure = new Error('EACCES: permission denied');
    await tick();
    await tick();
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[1][0]).toContain('unreadable (EACCES: permission denied)');
    expect(state.blocked).toBe(true);
  });

  it("applies drainedServers changed on disk (another replica's drain); unknown names warned", async () => {
    const { files, state, tick, drained } = await setup();
    const doc = (list: string[]) =>
      JSON.stringify({ ...JSON.parse(oamText('RUNNING')), drainedServers: list });
    files.files.set(OAM, doc(['INSUPC-2', 'ELSEWHERE']));
    await tick();
    expect(drained.list()).toEqual(['INSUPC-2']);
    expect(info).toHaveBeenCalledWith('[INSUPC|INSUPC-2] drained by the OAM file');
    expect(warn).toHaveBeenCalledWith(
      'OAM file drainedServers: "ELSEWHERE" not a configured INSUPC server, ignored',
    );
    files.files.set(OAM, doc([]));
    await tick();
    expect(drained.list()).toEqual([]);
    expect(info).toHaveBeenLastCalledWith('[INSUPC|INSUPC-2] enabled by the OAM file');
    expect(state.state).toBe('RUNNING');
  });

  it('stops polling on shutdown', async () => {
    const { scheduler, watcher } = await setup();
    watcher.onApplicationShutdown();
    expect(scheduler.pending()).toBe(0);
  });
});
