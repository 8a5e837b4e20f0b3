import { Inject, Injectable } from '@nestjs/common';
import { ConfigService, ConfigType } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfigModule } from './app-config.module';
import { configTree, hotKeys } from './config-model';
import { CONFIG_NAMESPACES, insupcConfig, servedConfig, tpsConfig } from './config-namespaces';
import { validateConfig } from './config.loader';

const loaded = () => validateConfig({ insupc: { clients: [{ name: 'A', host: 'h', port: 1 }] } });

@Injectable()
class SectionReader {
  constructor(
    @Inject(tpsConfig.KEY) readonly tps: ConfigType<typeof tpsConfig>,
    @Inject(insupcConfig.KEY) readonly insupc: ConfigType<typeof insupcConfig>,
  ) {}
}

async function serve(config = loaded()) {
  const ref = await Test.createTestingModule({
    imports: [AppConfigModule.forRoot(config)],
    providers: [SectionReader],
  }).compile();
  return { config, reader: ref.get(SectionReader), service: ref.get(ConfigService) };
}

describe('ConfigModule serves the loaded config as namespaces', () => {
  it('has one namespace per top-level section of AppConfig', () => {
    expect(Object.keys(CONFIG_NAMESPACES).sort()).toEqual(
      configTree()
        .map((n) => n.property)
        .sort(),
    );
  });

  it('no hot key is a whole section (a reload assigns inside the served objects)', () => {
    expect(hotKeys().filter((k) => k.path.length < 2)).toEqual([]);
  });

  it('injects the loaded sections themselves, not copies', async () => {
    const { config, reader, service } = await serve();
    expect(reader.tps).toBe(config.tps);
    expect(reader.insupc).toBe(config.insupc);
    expect(service.get('tps')).toBe(config.tps);
    for (const [key, value] of Object.entries(servedConfig(service))) {
      expect(value).toBe(config[key as keyof typeof config]);
    }
  });

  it('a change made inside a served section is what every reader sees next', async () => {
    const { reader, service } = await serve();
    const served = servedConfig(service);
    served.tps.maxTps = 7;
    expect(reader.tps.maxTps).toBe(7);
    expect(service.get<number>('tps.maxTps')).toBe(7);
  });

  it('reads neither a .env file nor process.env (the loader applied the overrides)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-ns-'));
    writeFileSync(join(dir, '.env'), 'FROM_DOTENV=1\n');
    const cwd = process.cwd();
    process.env.INSUPCLIENT_NS_PROBE = 'x';
    try {
      process.chdir(dir);
      const { service } = await serve();
      expect(service.get('FROM_DOTENV')).toBeUndefined();
      expect(service.get('INSUPCLIENT_NS_PROBE')).toBeUndefined();
      expect(process.env.FROM_DOTENV).toBeUndefined();
    } finally {
      process.chdir(cwd);
      delete process.env.INSUPCLIENT_NS_PROBE;
    }
  });

  it('a namespace is never loaded without the config it is bound to', () => {
    expect(() => tpsConfig()).toThrow(/AppConfigModule\.forRoot/);
  });
});
