import { ConfigService } from '@nestjs/config';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { validateConfig } from '../config/config.loader';
import { DrainedServers } from '../insupc/drained-servers';
import { OamService } from './oam.service';
import { ServiceStateService } from './service-state.service';
import { FileStore } from '../common/io/file-store';
import { withFileLock } from '../common/io/file-lock';

/**
 * Another live process writing the OAM file the way the gateway does: it takes the lock, writes
 * its temp, then (on a line on stdin) renames the temp over the file and releases the lock.
 */
const WRITER = `
const fs = require('fs');
const [file, host] = process.argv.slice(1);
fs.writeFileSync(file + '.lock', JSON.stringify({ host, pid: process.pid, process: 'other', token: 't' }), { flag: 'wx' });
fs.writeFileSync(file + '.987654321', '{"written":"by the other process"}');
process.stdout.write('ready\\n');
process.stdin.once('data', () => {
  fs.renameSync(file + '.987654321', file);
  fs.unlinkSync(file + '.lock');
  process.exit(0);
});
`;

describe('withFileLock / the OAM file shared by processes (issue 20 item 7)', () => {
  let dir: string;
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'insupclient-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function oamService(path: string, files = new FileStore()) {
    const config = validateConfig({
      insupc: {
        clients: ['A', 'B', 'C', 'D', 'E', 'F'].map((name, i) => ({
          name,
          host: '127.0.0.1',
          port: 19000 + i,
        })),
      },
      oam: { config: { path } },
    });
    return new OamService(
      config.oam,
      config.insupc,
      new ConfigService(config),
      new ServiceStateService(),
      files,
      new DrainedServers(),
    );
  }

  it('two OamService writers on one file: concurrent state changes and drains all land', async () => {
    const path = join(dir, 'oam.json');
    writeFileSync(path, '{"systemName":"AMAS11"}');
    const [one, two] = [oamService(path), oamService(path)];
    await Promise.all([
      one.setDrained('A', true),
      two.setDrained('B', true),
      one.setDrained('C', true),
      two.changeState('BLOCKED'),
      one.setDrained('D', true),
      two.setDrained('E', true),
      one.setDrained('F', true),
    ]);
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    expect(doc.systemName).toBe('AMAS11');
    expect(doc.appStates).toEqual({ insupclient: 'BLOCKED' });
    expect([...doc.drainedServers].sort()).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(readdirSync(dir)).toEqual(['oam.json']);
  });

  it("the start-up clean-up leaves another live process's temp alone (it waits for its lock)", async () => {
    const path = join(dir, 'oam.json');
    writeFileSync(path, '{}');
    const writer = spawn(process.execPath, ['-e', WRITER, path, hostname()], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = once(writer, 'exit');
    await once(writer.stdout, 'data');
    let cleaning = false;
    const files = new (class extends FileStore {
      override withLock<T>(p: string, fn: () => Promise<T>) {
        cleaning = true;
        return super.withLock(p, fn);
      }
      override async removeLeftoverTemps(p: string) {
        const removed = await super.removeLeftoverTemps(p);
        cleaning = true;
        return removed;
      }
    })();
    try {
      const init = oamService(path, files).onModuleInit();
      await new Promise<void>((resolve) => {
        const poll = () => (cleaning ? resolve() : setImmediate(poll));
        poll();
      });
      expect(existsSync(`${path}.987654321`)).toBe(true);
      writer.stdin.write('go\n');
      const [code] = await exited;
      expect(code).toBe(0); // its rename found its temp
      await init;
      expect(readFileSync(path, 'utf8')).toBe('{"written":"by the other process"}');
      expect(readdirSync(dir)).toEqual(['oam.json']);
    } finally {
      writer.kill();
    }
  });

  it('a lock left by a dead process on this host is broken at once; its temps are removed', async () => {
    const path = join(dir, 'oam.json');
    writeFileSync(path, '{}');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const pid = Number(dead.stdout.toString());
    writeFileSync(
      `${path}.lock`,
      JSON.stringify({ host: hostname(), pid, process: 'x', token: 'y' }),
    );
    writeFileSync(`${path}.3170471946`, '{"half');
    await oamService(path).onModuleInit();
    expect(readdirSync(dir)).toEqual(['oam.json']);
  });

  it("another host's lock is waited for, then broken once older than staleMs", async () => {
    const path = join(dir, 'oam.json');
    const lock = `${path}.lock`;
    writeFileSync(lock, JSON.stringify({ host: 'elsewhere', pid: 1, process: 'x', token: 'y' }));
    const options = { timeoutMs: 50, staleMs: 60_000, retryMs: 5 };
    await expect(withFileLock(path, async () => 1, options)).rejects.toThrow(
      /held by pid 1 on elsewhere/,
    );
    const old = new Date(Date.now() - 120_000);
    utimesSync(lock, old, old);
    await expect(withFileLock(path, async () => 2, options)).resolves.toBe(2);
    expect(existsSync(lock)).toBe(false);
  });
});
