import { ConfigService } from '@nestjs/config';
import { Logger } from '@nestjs/common';
import { ConfigError, validateConfig } from '../config/config.loader';
import { AppConfig } from '../config/config.schema';
import { FileStore } from '../common/io/file-store';
import { DrainedServers } from '../insupc/drained-servers';
import { CertificateSource } from '../contracts/certificates';
import { OamFileError } from './oam-file';
import { OamService, UnknownInsupcServerError } from './oam.service';
import { ServiceStateService } from './service-state.service';

class MemoryFiles extends FileStore {
  readonly files = new Map<string, string>();
  writes = 0;
  override async read(path: string) {
    return this.files.get(path);
  }
  override async writeAtomic(path: string, text: string) {
    this.writes++;
    this.files.set(path, text);
  }
  override withLock<T>(_path: string, fn: () => Promise<T>) {
    return fn();
  }
}

const OAM = '/etc/oam.json';
const config = (): AppConfig =>
  validateConfig({
    insupc: {
      clients: [
        { name: 'INSUPC-1', host: '127.0.0.1', port: 19000 },
        { name: 'INSUPC-2', host: '127.0.0.1', port: 19001 },
      ],
    },
    oam: { config: { path: OAM } },
  });

function setup(
  oamText?: string,
  loader?: (path: string) => AppConfig,
  certificates?: CertificateSource,
) {
  const files = new MemoryFiles();
  if (oamText !== undefined) files.files.set(OAM, oamText);
  const state = new ServiceStateService();
  const live = config();
  const drained = new DrainedServers();
  const oam = new OamService(
    live.oam,
    live.insupc,
    new ConfigService(live),
    state,
    files,
    drained,
    loader ? 'app.yaml' : undefined,
    certificates,
  );
  if (loader) oam.useConfigLoader(loader);
  return { files, state, live, oam, drained };
}

describe('OamService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('takes the initial state from the OAM file', async () => {
    const { oam, state } = setup('{"appStates":{"insupclient":"BLOCKED"}}');
    await oam.onModuleInit();
    expect(state.state).toBe('BLOCKED');
    expect(state.blocked).toBe(true);
  });

  it.each([[undefined], ['{broken']])(
    'stays RUNNING and writes nothing for file %p',
    async (text) => {
      const { oam, state, files } = setup(text);
      await oam.onModuleInit();
      expect(state.state).toBe('RUNNING');
      expect(files.writes).toBe(0);
    },
  );

  it('writes a change back keeping the other keys', async () => {
    const { oam, state, files } = setup('{"systemName":"AMAS11","appStates":{"sipsvc":"RUNNING"}}');
    await oam.changeState('BLOCKED');
    expect(state.blocked).toBe(true);
    expect(JSON.parse(files.files.get(OAM)!)).toEqual({
      systemName: 'AMAS11',
      appStates: { sipsvc: 'RUNNING', insupclient: 'BLOCKED' },
    });
  });

  it('never overwrites a malformed file: the change applies, the write is refused', async () => {
    const { oam, state, files } = setup('{broken');
    await expect(oam.changeState('BLOCKED')).rejects.toBeInstanceOf(OamFileError);
    expect(state.blocked).toBe(true);
    expect(files.files.get(OAM)).toBe('{broken');
  });

  it('creates the file when it is missing', async () => {
    const { oam, files } = setup(undefined);
    await oam.changeState('BLOCKED');
    expect(JSON.parse(files.files.get(OAM)!)).toEqual({ appStates: { insupclient: 'BLOCKED' } });
  });

  it('reload re-reads the OAM file and applies hot config keys', async () => {
    const fresh = config();
    fresh.tps.maxTps = 3;
    const { oam, state, live, files } = setup('{}', () => fresh);
    files.files.set(OAM, '{"appStates":{"insupclient":"BLOCKED"}}');
    const r = await oam.reload();
    expect(r).toMatchObject({ state: 'BLOCKED', configReloaded: true, applied: ['tps.max-tps'] });
    expect(state.blocked).toBe(true);
    expect(live.tps.maxTps).toBe(3);
  });

  it('reload re-reads the TLS certificates too (operations spec §8.1)', async () => {
    const reasons: string[] = [];
    const { oam } = setup('{}', undefined, {
      reloadCertificates: (r: string) => Promise.resolve(void reasons.push(r)),
    });
    await oam.reload();
    expect(reasons).toEqual(['config reload']);
  });

  it('a bad OAM file or config file on reload changes nothing', async () => {
    const broken = () => {
      throw new ConfigError(['tps.max-tps: must not be less than 1']);
    };
    const { oam, state, live, files } = setup('{"appStates":{"insupclient":"BLOCKED"}}', broken);
    await expect(oam.reload()).rejects.toBeInstanceOf(ConfigError);
    expect(state.state).toBe('RUNNING');
    files.files.set(OAM, '{"appStates":{"insupclient":"PAUSED"}}');
    await expect(oam.reload()).rejects.toThrow(/must be one of/);
    expect(state.state).toBe('RUNNING');
    expect(live.tps.maxTps).toBe(1000);
  });

  describe('drain (operations spec section 7)', () => {
    it('drains and enables a server: in force at once, written to drainedServers, other keys kept', async () => {
      const { oam, drained, files } = setup('{"systemName":"AMAS11"}');
      await oam.setDrained('INSUPC-2', true);
      expect(drained.has('INSUPC-2')).toBe(true);
      expect(JSON.parse(files.files.get(OAM)!)).toEqual({
        systemName: 'AMAS11',
        drainedServers: ['INSUPC-2'],
      });
      await oam.setDrained('INSUPC-2', true); // idempotent
      expect(JSON.parse(files.files.get(OAM)!).drainedServers).toEqual(['INSUPC-2']);
      await oam.setDrained('INSUPC-2', false);
      expect(drained.list()).toEqual([]);
      expect(JSON.parse(files.files.get(OAM)!).drainedServers).toEqual([]);
    });

    it('an unknown name changes and writes nothing', async () => {
      const { oam, drained, files } = setup('{}');
      await expect(oam.setDrained('NOPE', true)).rejects.toBeInstanceOf(UnknownInsupcServerError);
      expect(drained.list()).toEqual([]);
      expect(files.writes).toBe(0);
    });

    it('logs the operator lines', async () => {
      const lines = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
      try {
        const { oam } = setup('{}');
        await oam.setDrained('INSUPC-1', true);
        await oam.setDrained('INSUPC-1', false);
        expect(lines.mock.calls.map((c) => c[0])).toEqual([
          '[INSUPC|INSUPC-1] drained by operator',
          '[INSUPC|INSUPC-1] enabled by operator',
        ]);
      } finally {
        lines.mockRestore();
      }
    });

    it('takes the drained servers from the file at start and on reload; unknown names warned and ignored', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      try {
        const { oam, drained, files } = setup('{"drainedServers":["INSUPC-1","GONE"]}');
        await oam.onModuleInit();
        expect(drained.list()).toEqual(['INSUPC-1']);
        expect(warn).toHaveBeenCalledWith(
          'OAM file drainedServers: "GONE" not a configured INSUPC server, ignored',
        );
        files.files.set(OAM, '{"drainedServers":["INSUPC-2"]}');
        expect(await oam.reload()).toMatchObject({ drainedServers: ['INSUPC-2'] });
        expect(drained.list()).toEqual(['INSUPC-2']);
      } finally {
        warn.mockRestore();
      }
    });
  });
});
