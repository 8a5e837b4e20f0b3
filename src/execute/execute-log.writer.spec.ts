import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, LoggingConfig } from '../config/config.schema';
import { ExecuteLogWriter } from './execute-log.writer';

function configWith(executeFile: string): LoggingConfig {
  const c = new AppConfig();
  c.logging.executeFile = executeFile;
  return c.logging;
}

describe('ExecuteLogWriter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'exec-log-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('appends the spec line format to the configured file (creating its folder)', async () => {
    const path = join(dir, 'logs', 'execute.log');
    const w = new ExecuteLogWriter(configWith(path));
    await w.onModuleInit();
    expect(w.enabled).toBe(true);
    w.record('SUCCESS', 'REQ_1', 'mcidGetProfile', 'INSUPC-1', 12.4);
    w.record('TIMEOUT', 'REQ_2', 'mcidGetProfile', '-', 5000);
    w.record('ERROR(7)', 'REQ_3', 'bad', 'INSUPC-2', 3);
    await w.onApplicationShutdown();
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT\S+Z SUCCESS \| reqId: REQ_1 \| apiName: mcidGetProfile \| server: INSUPC-1 \| elapsed: 12ms$/,
    );
    expect(lines[1]).toContain(
      'TIMEOUT | reqId: REQ_2 | apiName: mcidGetProfile | server: - | elapsed: 5000ms',
    );
    expect(lines[2]).toContain(
      'ERROR(7) | reqId: REQ_3 | apiName: bad | server: INSUPC-2 | elapsed: 3ms',
    );
  });

  it('writes nothing and is disabled when the key is empty', async () => {
    const w = new ExecuteLogWriter(configWith(''));
    await w.onModuleInit();
    expect(w.enabled).toBe(false);
    w.record('SUCCESS', 'R', 'a', 's', 1);
    await w.onApplicationShutdown();
  });
});
